import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, mapProblemToFields } from './problem';

const validation = new ApiError({
  type: 'https://productsynch.app/problems/validation-error',
  title: 'Validation failed',
  status: 422,
  detail: 'Some fields are invalid',
  errors: [
    { field: 'email', code: 'invalid_email', message: 'Enter a valid email address' },
    { field: 'email', code: 'length', message: 'second message for email is ignored' },
    { field: 'password', code: 'too_short', message: 'Use at least 8 characters' },
  ],
});

describe('mapProblemToFields', () => {
  it('puts each field error on its field, first message wins', () => {
    const m = mapProblemToFields(validation, ['email', 'password', 'name'] as const);
    expect(m.fields).toEqual({ email: 'Enter a valid email address', password: 'Use at least 8 characters' });
    expect(m.formMessage).toBeNull();
  });

  it('uses aliases when the API names a field differently from the form', () => {
    const m = mapProblemToFields(validation, ['login', 'secret'] as const, { email: 'login', password: 'secret' });
    expect(m.fields).toEqual({ login: 'Enter a valid email address', secret: 'Use at least 8 characters' });
  });

  it('falls back from a nested field to its first segment', () => {
    const e = new ApiError({
      type: 't',
      title: 'Validation failed',
      status: 422,
      errors: [{ field: 'seller.url', code: 'url', message: 'Enter a URL' }],
    });
    expect(mapProblemToFields(e, ['seller'] as const).fields).toEqual({ seller: 'Enter a URL' });
    expect(mapProblemToFields(e, ['seller.url', 'seller'] as const).fields).toEqual({ 'seller.url': 'Enter a URL' });
  });

  it('returns errors for fields the form does not have as a form message', () => {
    const m = mapProblemToFields(validation, ['password'] as const);
    expect(m.fields).toEqual({ password: 'Use at least 8 characters' });
    expect(m.formMessage).toBe('Enter a valid email address second message for email is ignored');
  });

  it('returns the detail of a problem without field errors', () => {
    const e = new ApiError({ type: 't', title: 'Unauthorized', status: 401, detail: 'Invalid email or password' });
    const m = mapProblemToFields(e, ['email', 'password'] as const);
    expect(m.fields).toEqual({});
    expect(m.formMessage).toBe('Invalid email or password');
  });

  it('handles errors that are not from the API', () => {
    expect(mapProblemToFields(new Error('boom'), ['a'] as const).formMessage).toBe('boom');
  });
});

describe('errorMessage', () => {
  it('explains rate limits with the wait', () => {
    const e = new ApiError({ type: 't', title: 'Too many requests', status: 429 }, 90);
    expect(errorMessage(e)).toBe('Too many attempts. Try again in 2 minutes.');
    const s = new ApiError({ type: 't', title: 'Too many requests', status: 429 }, 1);
    expect(errorMessage(s)).toBe('Too many attempts. Try again in 1 second.');
  });

  it('falls back to the title when there is no detail', () => {
    expect(errorMessage(new ApiError({ type: 't', title: 'Not found', status: 404 }))).toBe('Not found');
  });

  it('names network failures', () => {
    expect(errorMessage(new ApiError({ type: 't', title: 'Network error', status: 0 }))).toMatch(/Cannot reach/);
  });
});
