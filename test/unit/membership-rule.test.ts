import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/server/domain/errors.js';
import {
  MAX_RULE_LENGTH,
  matchesRule,
  parseMembershipRule,
  type RuleNode,
  type RuleSubject,
} from '../../src/server/domain/membership-rule.js';

const base: RuleSubject = {
  id: '0190a8f4-0000-7000-8000-000000000001',
  accountEnabled: true,
  city: 'Lagos',
  companyName: 'Fabrikam',
  country: 'NG',
  department: 'Sales',
  displayName: 'David Dee',
  givenName: 'David',
  jobTitle: 'Account Manager',
  mail: 'david@fabrikam.test',
  preferredLanguage: 'en-US',
  surname: 'Dee',
  userPrincipalName: 'david_fabrikam.test#EXT#@contoso.test',
  userType: 'Guest',
};
const user = (over: Partial<RuleSubject> = {}): RuleSubject => ({ ...base, ...over });
const test = (rule: string, u: RuleSubject = base) => matchesRule(parseMembershipRule(rule), u);

/** Compact rendering of the tree so the precedence expectations stay readable. */
function show(n: RuleNode): string {
  const neg = (x: { negate: boolean }) => (x.negate ? '!' : '');
  switch (n.type) {
    case 'and':
    case 'or':
      return `(${n.type} ${show(n.left)} ${show(n.right)})`;
    case 'not':
      return `(not ${show(n.operand)})`;
    case 'null':
      return `(${neg(n)}null ${n.property})`;
    case 'boolean':
      return `(${neg(n)}eq ${n.property} ${n.value})`;
    case 'string':
      return `(${neg(n)}${n.op} ${n.property} "${n.value}")`;
    case 'match':
      return `(${neg(n)}match ${n.property} /${n.regex.source}/)`;
    case 'in':
      return `(${neg(n)}in ${n.property} [${[...n.values].join(',')}])`;
  }
}
const tree = (rule: string) => show(parseMembershipRule(rule).root);

function error(rule: string): string {
  try {
    parseMembershipRule(rule);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('group_membership_rule_invalid');
    expect((err as DomainError).status).toBe(400);
    expect((err as DomainError).target).toBe('membershipRule');
    return (err as DomainError).message;
  }
  throw new Error(`expected ${rule} to be refused`);
}

describe('parsing', () => {
  it.each([
    ['user.userType -eq "Guest"', '(eq userType "guest")'],
    ['(user.userType -eq "Guest")', '(eq userType "guest")'],
    ['user.USERTYPE -EQ "Guest"', '(eq userType "guest")'],
    ['user.userType eq "Guest"', '(eq userType "guest")'],
    ['user.department –eq "Sales"', '(eq department "sales")'],
    ['(user.objectId -ne null) and (user.userType -eq "Guest")', '(and (!null objectId) (eq userType "guest"))'],
  ])('%s', (rule, expected) => {
    expect(tree(rule)).toBe(expected);
  });

  it('gives -and precedence over -or, and -not over -and', () => {
    expect(tree('user.city -eq "a" -or user.city -eq "b" -and user.city -eq "c"')).toBe(
      '(or (eq city "a") (and (eq city "b") (eq city "c")))',
    );
    expect(tree('-not user.city -eq "a" -and user.city -eq "b"')).toBe('(and (not (eq city "a")) (eq city "b"))');
    expect(tree('(user.city -eq "a" -or user.city -eq "b") -and user.city -eq "c"')).toBe(
      '(and (or (eq city "a") (eq city "b")) (eq city "c"))',
    );
    expect(tree('user.department -eq "Sales" -and -not (user.jobTitle -startsWith "SDE")')).toBe(
      '(and (eq department "sales") (not (startsWith jobTitle "sde")))',
    );
    expect(tree('not not user.city -eq "a"')).toBe('(not (not (eq city "a")))');
  });

  it('reads every operator, lists, booleans and both quote styles', () => {
    expect(tree('user.mail -notEndsWith "@contoso.com"')).toBe('(!endsWith mail "@contoso.com")');
    expect(tree('user.mail -notStartsWith "a"')).toBe('(!startsWith mail "a")');
    expect(tree('user.mail -notContains "a"')).toBe('(!contains mail "a")');
    expect(tree('user.mail -contains "a"')).toBe('(contains mail "a")');
    expect(tree('user.mail -endsWith "a"')).toBe('(endsWith mail "a")');
    expect(tree('user.displayName -notMatch "^Da.*"')).toBe('(!match displayName /^Da.*/)');
    expect(tree('user.department -in ["50001", "50002"]')).toBe('(in department [50001,50002])');
    expect(tree("user.city -notIn ['Lagos','Abuja']")).toBe('(!in city [lagos,abuja])');
    expect(tree('user.accountEnabled -eq true')).toBe('(eq accountEnabled true)');
    expect(tree('user.accountEnabled -ne FALSE')).toBe('(!eq accountEnabled false)');
    expect(tree('user.department -eq "`"Sales`""')).toBe('(eq department ""sales"")');
    expect(tree("user.companyName -eq 'O''Brien'")).toBe('(eq companyName "o\'brien")');
    expect(tree('user.department -eq null')).toBe('(null department)');
    expect(tree('user.department -eq "null"')).toBe('(eq department "null")');
  });

  it('refuses what it cannot read, naming the position', () => {
    expect(error('user.manager -eq "x"')).toMatch(/unknown property 'user.manager' at position 0; supported: .*user.city/);
    expect(error('user.city -like "x"')).toMatch(/unknown operator '-like' at position 10/);
    expect(error('user.city -eq "x" -and user.nope -eq "y"')).toMatch(/unknown property 'user.nope' at position 23/);
    expect(error('device.displayName -eq "x"')).toMatch(/expected a user property .* at position 0/);
    expect(error('user.city -eq "x')).toMatch(/unterminated string starting at position 14/);
    expect(error('user.city -eq x')).toMatch(/expected a quoted string at position 14, found 'x'/);
    expect(error('(user.city -eq "x"')).toMatch(/expected '\)' at position 18, found the end of the rule/);
    expect(error('user.city -eq "x")')).toMatch(/at position 17, found '\)'/);
    expect(error('user.city -eq "x" user.city -eq "y"')).toMatch(/expected -and, -or or the end of the rule at position 18/);
    expect(error('user.city -eq ["a"]')).toMatch(/needs -in or -notIn, not -eq \(position 14\)/);
    expect(error('user.city -in "a"')).toMatch(/expected a list .* at position 14/);
    expect(error('user.city -in ["a",]')).toMatch(/expected a quoted string at position 19/);
    expect(error('user.city -in []')).toMatch(/expected a quoted string at position 15/);
    expect(error('user.city -startsWith null')).toMatch(/null can only be compared with -eq or -ne \(position 22\)/);
    expect(error('user.accountEnabled -startsWith "t"')).toMatch(/boolean property user.accountEnabled \(position 20\)/);
    expect(error('user.accountEnabled -eq "yes"')).toMatch(/expected true or false at position 24/);
    expect(error('user.accountEnabled -in ["true"]')).toMatch(/boolean property/);
    expect(error('user.city - eq "x"')).toMatch(/expected an operator after '-' at position 10/);
    expect(error('user.city -eq "x" & user.city -eq "y"')).toMatch(/unexpected character '&' at position 18/);
    expect(error('user.city')).toMatch(/expected an operator such as -eq at position 9/);
    expect(error('-and user.city -eq "x"')).toMatch(/expected a property .* at position 0, found '-and'/);
    expect(error('   ')).toMatch(/empty/);
    expect(error('x'.repeat(MAX_RULE_LENGTH + 1))).toMatch(/at most 3072/);
    expect(error(`${'('.repeat(60)}user.city -eq "x"${')'.repeat(60)}`)).toMatch(/deeper than 50/);
  });

  it('refuses invalid and catastrophic regular expressions', () => {
    expect(error('user.city -match "(unclosed"')).toMatch(/invalid regular expression at position 17/);
    expect(error('user.city -match "(a+)+$"')).toMatch(/position 17 is not supported: a repeated group/);
    expect(error('user.city -match "(.*)*x"')).toMatch(/repeated group/);
    expect(error('user.city -match "((ab)*c)+"')).toMatch(/repeated group/);
    expect(error('user.city -match "(a)\\1"')).toMatch(/backreferences/);
    expect(error(`user.city -match "${'a'.repeat(600)}"`)).toMatch(/longer than 512/);
    // Ordinary patterns stay allowed.
    expect(() => parseMembershipRule('user.city -match "^(La|Ab)[a-z]+$"')).not.toThrow();
    expect(() => parseMembershipRule('user.city -match "(a+)?b"')).not.toThrow();
    expect(() => parseMembershipRule('user.city -match "[(+*)]+"')).not.toThrow();
  });
});

describe('evaluation', () => {
  it('compares strings without regard to case', () => {
    expect(test('user.userType -eq "guest"')).toBe(true);
    expect(test('user.userType -eq "Member"')).toBe(false);
    expect(test('user.userType -ne "Member"')).toBe(true);
    expect(test('user.city -startsWith "lag"')).toBe(true);
    expect(test('user.city -notStartsWith "lag"')).toBe(false);
    expect(test('user.mail -endsWith "@FABRIKAM.test"')).toBe(true);
    expect(test('user.mail -notEndsWith "@contoso.test"')).toBe(true);
    expect(test('user.jobTitle -contains "manager"')).toBe(true);
    expect(test('user.jobTitle -notContains "manager"')).toBe(false);
    expect(test('user.country -in ["US", "ng"]')).toBe(true);
    expect(test('user.country -notIn ["US", "ng"]')).toBe(false);
    expect(test('user.objectId -eq "0190A8F4-0000-7000-8000-000000000001"')).toBe(true);
    expect(test('user.userPrincipalName -contains "#EXT#"')).toBe(true);
  });

  it('matches regular expressions anywhere, ignoring case', () => {
    expect(test('user.displayName -match "^da.*"')).toBe(true);
    expect(test('user.displayName -match "^da.*"', user({ displayName: 'aDa' }))).toBe(false);
    expect(test('user.displayName -match ".*vid"')).toBe(true);
    expect(test('user.displayName -match "vid"')).toBe(true);
    expect(test('user.displayName -notMatch "vid"')).toBe(false);
  });

  it('treats a missing value as matching no positive operator', () => {
    const u = user({ department: null });
    expect(test('user.department -eq null', u)).toBe(true);
    expect(test('user.department -ne null', u)).toBe(false);
    expect(test('user.department -eq null')).toBe(false);
    expect(test('user.department -eq "Sales"', u)).toBe(false);
    expect(test('user.department -ne "Sales"', u)).toBe(true);
    expect(test('user.department -startsWith ""', u)).toBe(false);
    expect(test('user.department -notContains "x"', u)).toBe(true);
    expect(test('user.department -match ".*"', u)).toBe(false);
    expect(test('user.department -notMatch ".*"', u)).toBe(true);
    expect(test('user.department -in ["Sales"]', u)).toBe(false);
    expect(test('user.department -notIn ["Sales"]', u)).toBe(true);
  });

  it('compares booleans and combines conditions', () => {
    expect(test('user.accountEnabled -eq true')).toBe(true);
    expect(test('user.accountEnabled -eq false')).toBe(false);
    expect(test('user.accountEnabled -ne true', user({ accountEnabled: false }))).toBe(true);
    expect(test('user.accountEnabled -eq "true"')).toBe(true);
    const rule = '(user.objectId -ne null) -and (user.userType -eq "Guest") -and user.accountEnabled -eq true';
    expect(test(rule)).toBe(true);
    expect(test(rule, user({ userType: 'Member' }))).toBe(false);
    expect(test(rule, user({ accountEnabled: false }))).toBe(false);
    expect(test('user.city -eq "x" -or user.country -eq "NG"')).toBe(true);
    expect(test('-not (user.city -eq "x" -or user.country -eq "NG")')).toBe(false);
    expect(test('user.department -eq "Sales" -and -not (user.jobTitle -startsWith "SDE")')).toBe(true);
  });
});
