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

  it('has calm words for a pending sign-in redirect and for bugs', () => {
    expect(friendlyError(new RedirectingError())).toBe('Signing you in again…');
    expect(friendlyError(new TypeError('x is undefined'))).toMatch(/Reload it/);
  });
});
