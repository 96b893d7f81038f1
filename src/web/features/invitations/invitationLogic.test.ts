import { describe, expect, it } from 'vitest';
import type { User } from '../../api/graph';
import {
  addedMessage,
  emailProblem,
  invitationStateLabel,
  inviteCandidate,
  looksLikeEmail,
  parseDomains,
} from './invitationLogic';

const user = (mail: string | null, upn: string, otherMails: string[] = []) =>
  ({ id: upn, displayName: upn, mail, userPrincipalName: upn, otherMails }) as unknown as User;

describe('Add members: recognising an e-mail address in the search box', () => {
  it('accepts whole addresses and nothing shorter', () => {
    expect(looksLikeEmail('bob@fabrikam.com')).toBe(true);
    expect(looksLikeEmail('  Bob.Partner@mail.fabrikam.co.uk ')).toBe(true);
    for (const t of [
      'bob',
      'bob@',
      'bob@fabrikam',
      'bob@fabrikam.',
      '@fabrikam.com',
      'bob partner@fabrikam.com',
      'a@b@c.com',
      '',
    ])
      expect(looksLikeEmail(t), t).toBe(false);
  });

  it('offers an invitation only when no directory user has the address', () => {
    expect(inviteCandidate('bob@fabrikam.com', [])).toBe('bob@fabrikam.com');
    expect(inviteCandidate(' bob@fabrikam.com ', [user('alice@contoso.com', 'alice@contoso.com')])).toBe('bob@fabrikam.com');
    expect(inviteCandidate('BOB@fabrikam.com', [user('bob@fabrikam.com', 'bob_fabrikam.com#EXT#@contoso.com')])).toBeUndefined();
    expect(inviteCandidate('bob@contoso.com', [user(null, 'Bob@Contoso.com')])).toBeUndefined();
    expect(inviteCandidate('b@x.com', [user('c@x.com', 'c@contoso.com', ['B@X.com'])])).toBeUndefined();
    expect(inviteCandidate('bob', [])).toBeUndefined();
  });

  it("explains addresses the server would refuse, in the server's words", () => {
    expect(emailProblem('bob@fabrikam.com')).toBeUndefined();
    expect(emailProblem('bob+news@fabrikam.com')).toMatch(/Plus-addressing/);
    expect(emailProblem('.bob@fabrikam.com')).toMatch(/part before @/);
    expect(emailProblem('bob@@fabrikam.com')).toMatch(/exactly one @/);
    expect(emailProblem('bob@fabrikam')).toMatch(/domain/);
    expect(emailProblem('')).toMatch(/Enter an e-mail address/);
  });
});

describe('Collaboration restrictions: the domains textarea', () => {
  it('reads one domain per line, lower-cased, without duplicates or blank lines', () => {
    expect(parseDomains('Fabrikam.com\n\n  contoso.com \nfabrikam.com\n')).toEqual({
      domains: ['fabrikam.com', 'contoso.com'],
      invalid: [],
    });
  });

  it('also splits on commas, semicolons and spaces, and drops a leading @ or *.', () => {
    expect(parseDomains('@gmail.com, *.live.com; outlook.com  example.org.')).toEqual({
      domains: ['gmail.com', 'live.com', 'outlook.com', 'example.org'],
      invalid: [],
    });
  });

  it('reports entries that are not domain names, as typed', () => {
    expect(parseDomains('fabrikam.com\nnot a domain\nhttp://x.com\nlocalhost')).toEqual({
      domains: ['fabrikam.com'],
      invalid: ['not', 'a', 'domain', 'http://x.com', 'localhost'],
    });
    expect(parseDomains('   \n ')).toEqual({ domains: [], invalid: [] });
  });
});

describe('wording', () => {
  it('says what happened after Add', () => {
    expect(addedMessage('invited', 'bob@fabrikam.com', 'App Guests')).toBe(
      'Invitation sent to bob@fabrikam.com; they were added to App Guests as a guest.',
    );
    expect(addedMessage('added', 'Alice', 'App Guests')).toBe('Alice was added to App Guests.');
  });

  it("uses Entra's invitation state labels", () => {
    expect(invitationStateLabel('PendingAcceptance')).toBe('Pending acceptance');
    expect(invitationStateLabel('Accepted')).toBe('Accepted');
    expect(invitationStateLabel(null)).toBe('—');
  });
});
