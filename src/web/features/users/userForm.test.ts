import { describe, expect, it } from 'vitest';
import { generatePassword, newUserBody, passwordProblem, suggestAlias, validateNewUser } from './userForm';

const valid = {
  displayName: 'Alice Smith',
  alias: 'alice',
  domain: 'contoso.com',
  password: 'Str0ng!pass',
  givenName: '',
  surname: '',
  jobTitle: '',
  department: '',
  accountEnabled: true,
};

describe('New user form', () => {
  it('accepts a complete user', () => expect(validateNewUser(valid)).toEqual({}));

  it('points at each bad field', () => {
    const e = validateNewUser({ ...valid, displayName: ' ', alias: 'a b', domain: 'nodot', password: 'short' });
    expect(Object.keys(e).sort()).toEqual(['alias', 'displayName', 'domain', 'password']);
    expect(validateNewUser({ ...valid, alias: '.alice' }).alias).toMatch(/dot/);
  });

  it("applies Entra's password rule (8+ characters, three kinds)", () => {
    expect(passwordProblem('abcdefgh')).toMatch(/three/);
    expect(passwordProblem('abcdEFG1')).toBeUndefined();
    expect(passwordProblem('aB1!')).toMatch(/8/);
  });

  it('generates passwords that pass the rule', () => {
    for (let i = 0; i < 50; i++) {
      const p = generatePassword();
      expect(p).toHaveLength(16);
      expect(passwordProblem(p)).toBeUndefined();
    }
  });

  it('suggests an alias from the display name', () => {
    expect(suggestAlias('Ana María López')).toBe('ana.maria.lopez');
    expect(suggestAlias('  O’Brien, Pat ')).toBe('o.brien.pat');
  });

  it('builds the POST /users body without empty optional fields', () => {
    expect(newUserBody({ ...valid, jobTitle: ' Engineer ' })).toEqual({
      displayName: 'Alice Smith',
      userPrincipalName: 'alice@contoso.com',
      mailNickname: 'alice',
      accountEnabled: true,
      passwordProfile: { password: 'Str0ng!pass', forceChangePasswordNextSignIn: false },
      givenName: undefined,
      surname: undefined,
      jobTitle: 'Engineer',
      department: undefined,
    });
  });
});
