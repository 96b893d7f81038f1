import { describe, expect, it } from 'vitest';
import {
  assignableRoles,
  checkUrlList,
  DEFAULT_APP_ROLE_ID,
  discoveryUrl,
  federationUrls,
  isHidden,
  planInvite,
  samlIdentifiers,
  urlProblem,
  withHidden,
  withSamlIdentifiers,
} from './appLogic';

describe('Visible to users (HideApp tag)', () => {
  it('adds HideApp and keeps every other tag in order', () => {
    expect(withHidden(['WindowsAzureActiveDirectoryIntegratedApp', 'team:ops'], true)).toEqual([
      'WindowsAzureActiveDirectoryIntegratedApp',
      'team:ops',
      'HideApp',
    ]);
  });
  it('removes HideApp (any case) and keeps the others', () => {
    expect(withHidden(['a', 'HideApp', 'b'], false)).toEqual(['a', 'b']);
    expect(withHidden(['hideapp', 'b'], false)).toEqual(['b']);
  });
  it('does not add HideApp twice', () => {
    expect(withHidden(['HideApp', 'x'], true)).toEqual(['x', 'HideApp']);
  });
  it('reads the flag', () => {
    expect(isHidden([])).toBe(false);
    expect(isHidden(['x', 'HIDEAPP'])).toBe(true);
  });
});

describe('redirect URI list', () => {
  it('accepts http(s) URLs and ignores blank rows', () => {
    const r = checkUrlList(['https://grafana.example.com/login/generic_oauth', '', '  http://localhost:3000/cb  ']);
    expect(r.ok).toBe(true);
    expect(r.urls).toEqual(['https://grafana.example.com/login/generic_oauth', 'http://localhost:3000/cb']);
  });
  it('flags the rows that are wrong, by index', () => {
    const r = checkUrlList([
      'https://ok.example.com/cb',
      'not a url',
      'https://x.example.com/*',
      'https://y.example.com/cb#frag',
      'ftp://h/cb',
    ]);
    expect(r.ok).toBe(false);
    expect(Object.keys(r.problems).map(Number)).toEqual([1, 2, 3, 4]);
    expect(r.problems[2]).toMatch(/Wildcards/);
    expect(r.problems[3]).toMatch(/fragment/);
    expect(r.problems[4]).toMatch(/https:\/\/ or http:\/\//);
  });
  it('flags duplicates (ignoring case)', () => {
    const r = checkUrlList(['https://a.example.com/cb', 'https://A.example.com/cb']);
    expect(r.problems).toEqual({ 1: 'This URL is already in the list.' });
  });
  it('limits the list to 256 entries', () => {
    const rows = Array.from({ length: 257 }, (_, i) => `https://a.example.com/cb${i}`);
    const r = checkUrlList(rows);
    expect(r.ok).toBe(false);
    expect(r.listProblem).toMatch(/256/);
  });
  it('explains a single bad URL', () => {
    expect(urlProblem('')).toBe('Enter a URL.');
    expect(urlProblem('https://ok.example.com')).toBeUndefined();
  });
});

describe('SAML identifiers', () => {
  const sp = { appId: 'app-1', servicePrincipalNames: ['app-1', 'https://nextcloud.example.com/apps/user_saml/saml/metadata'] };
  it('are the service principal names except the appId', () => {
    expect(samlIdentifiers(sp)).toEqual(['https://nextcloud.example.com/apps/user_saml/saml/metadata']);
  });
  it('always keep the appId first when written back', () => {
    expect(withSamlIdentifiers(sp, [' urn:jenkins ', '', 'APP-1'])).toEqual(['app-1', 'urn:jenkins']);
  });
});

describe('addresses', () => {
  it('builds the metadata, certificate and discovery URLs', () => {
    const u = federationUrls('https://id.example.com', 't1', 'a b');
    expect(u.metadataUrl).toBe('https://id.example.com/t1/federationmetadata/2007-06/federationmetadata.xml?appid=a%20b');
    expect(u.certificateUrl).toBe('https://id.example.com/t1/saml2/certificate?appid=a%20b');
    expect(discoveryUrl('https://id.example.com/')).toBe('https://id.example.com/.well-known/openid-configuration');
  });
});

describe('roles', () => {
  it('offers Default Access when the app has no user roles', () => {
    expect(assignableRoles([])).toEqual([{ value: DEFAULT_APP_ROLE_ID, label: 'Default Access' }]);
  });
});

describe('owner invitations (+ Add members)', () => {
  const base = { appId: 'app-1', appRoles: [] };
  const access = { enabled: false, requireApproval: false, approverIds: [], appRoleId: null };
  it('go through the self-service group when one is configured', () => {
    expect(
      planInvite({ ...base, selfServiceAccess: { ...access, groupId: 'g1' } }, ' bo@fabrikam.com ', 'Hi', 'https://id'),
    ).toEqual({
      kind: 'group',
      groupId: 'g1',
      body: { emailAddress: 'bo@fabrikam.com', welcomeMessage: 'Hi' },
    });
  });
  it('otherwise invite with the launch URL as redirect and assign with the default role', () => {
    expect(
      planInvite({ ...base, selfServiceAccess: { ...access, groupId: null } }, 'bo@fabrikam.com', '  ', 'https://id'),
    ).toEqual({
      kind: 'invite',
      body: {
        invitedUserEmailAddress: 'bo@fabrikam.com',
        inviteRedirectUrl: 'https://id/myapps/signin/app-1',
        sendInvitationMessage: true,
      },
      appRoleId: DEFAULT_APP_ROLE_ID,
    });
  });
});
