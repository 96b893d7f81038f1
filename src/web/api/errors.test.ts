import { describe, expect, it } from 'vitest';
import { ApiError, RedirectingError } from './client';
import { friendlyError } from './errors';

describe('friendlyError: API failures in plain words', () => {
  it('shows the API message as it is for validation errors (written for people)', () => {
    const e = new ApiError(400, 'Request_BadRequest', 'Membership of a dynamic group is managed by its rule.');
    expect(friendlyError(e)).toBe('Membership of a dynamic group is managed by its rule.');
  });

  it('never shows raw JSON', () => {
    expect(friendlyError(new ApiError(400, '', '{"error":{"code":"x"}}'))).toBe(
      'The request was not accepted. Check the values and try again.',
    );
  });

  it('words a generic 403, but keeps a specific reason', () => {
    expect(
      friendlyError(new ApiError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')),
    ).toBe("You don't have permission to do this. Ask an administrator if you need access.");
    expect(friendlyError(new ApiError(403, 'Authorization_RequestDenied', 'Guest users cannot create groups.'))).toBe(
      'Guest users cannot create groups.',
    );
  });

  it('maps 401, 404, 429, 5xx and network failures', () => {
    expect(friendlyError(new ApiError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed'))).toMatch(
      /sign-in is no longer valid/,
    );
    expect(friendlyError(new ApiError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"))).toMatch(
      /couldn't find this item/,
    );
    expect(friendlyError(new ApiError(429, 'TooManyRequests', '', undefined, 12))).toBe(
      'Too many requests right now. Try again in 12 seconds.',
    );
    expect(friendlyError(new ApiError(429, 'TooManyRequests', ''))).toBe(
      'Too many requests right now. Wait a moment and try again.',
    );
    expect(friendlyError(new ApiError(500, 'InternalServerError', 'boom at line 3', 'req-1'))).toBe(
      'Something went wrong on the server. Try again in a moment (reference req-1).',
    );
    expect(friendlyError(new ApiError(0, 'network', ''))).toMatch(/can't be reached/);
  });

  it('shows the invitation refusals as the API words them', () => {
    const cases: [number, string, string][] = [
      [
        400,
        'Request_BadRequest',
        'You cannot add guest users to a dynamic group or to a group that is synced with on-premises Active Directory.',
      ],
      [403, 'Authorization_RequestDenied', 'Only users with the Guest Inviter role can invite guests: ask an administrator.'],
      [
        400,
        'Request_BadRequest',
        "Invitations to the domain 'gmail.com' are blocked by your organization's collaboration restrictions.",
      ],
      [
        403,
        'Authorization_RequestDenied',
        'Group owners cannot manage membership in My Groups: the setting "Owners can manage group membership requests in My Groups" is off. Ask an administrator.',
      ],
    ];
    for (const [status, code, message] of cases) expect(friendlyError(new ApiError(status, code, message))).toBe(message);
  });

  it('keeps the specific reason of a 429 and adds the wait', () => {
    expect(
      friendlyError(
        new ApiError(429, 'TooManyRequests', 'Too many invitations: at most 150 every 5 seconds per organization.', undefined, 3),
      ),
    ).toBe('Too many invitations: at most 150 every 5 seconds per organization. Try again in 3 seconds.');
    expect(
      friendlyError(
        new ApiError(
          429,
          'TooManyRequests',
          'Too many requests. Retry after the period given in the Retry-After header.',
          undefined,
          1,
        ),
      ),
    ).toBe('Too many requests right now. Try again in 1 second.');
  });

  it('has calm words for a pending sign-in redirect and for bugs', () => {
    expect(friendlyError(new RedirectingError())).toBe('Signing you in again…');
    expect(friendlyError(new TypeError('x is undefined'))).toMatch(/Reload it/);
  });
});
