import { describe, expect, it } from 'vitest';
import { changePasswordSchema, deleteAccountSchema, registerSchema, resetPasswordSchema } from './schemas';

function fieldErrors(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  const out: Record<string, string> = {};
  for (const i of result.error?.issues ?? []) out[i.path.join('.')] ??= i.message;
  return out;
}

describe('registerSchema', () => {
  it('accepts a valid registration and trims name and email', () => {
    const r = registerSchema.safeParse({ name: '  Ada Lovelace ', email: ' ada@example.com ', password: 'analytical-engine' });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine' });
  });

  it('names every invalid field', () => {
    const r = registerSchema.safeParse({ name: ' ', email: 'not-an-email', password: 'short' });
    expect(r.success).toBe(false);
    expect(fieldErrors(r)).toEqual({
      name: 'Enter your name',
      email: 'Enter a valid email address',
      password: 'Use at least 8 characters',
    });
  });

  it('asks for an email when it is empty', () => {
    expect(fieldErrors(registerSchema.safeParse({ name: 'A', email: '', password: 'longenough' })).email).toBe(
      'Enter your email address',
    );
  });

  it('enforces the server limits on password and name length', () => {
    const r = registerSchema.safeParse({ name: 'x'.repeat(101), email: 'a@b.co', password: 'p'.repeat(129) });
    expect(fieldErrors(r)).toEqual({ name: 'Use at most 100 characters', password: 'Use at most 128 characters' });
  });
});

describe('password confirmation', () => {
  it('rejects a mismatched confirmation on the confirm field', () => {
    const r = resetPasswordSchema.safeParse({ password: 'correct horse', confirm: 'correct horsE' });
    expect(fieldErrors(r)).toEqual({ confirm: 'The passwords do not match' });
  });

  it('rejects reusing the current password', () => {
    const r = changePasswordSchema.safeParse({ currentPassword: 'same-pass-1', newPassword: 'same-pass-1', confirm: 'same-pass-1' });
    expect(fieldErrors(r)).toEqual({ newPassword: 'Choose a password different from the current one' });
  });
});

describe('deleteAccountSchema', () => {
  it('needs the password and the explicit confirmation', () => {
    expect(fieldErrors(deleteAccountSchema.safeParse({ password: '', confirm: false }))).toEqual({
      password: 'Enter your password to confirm',
      confirm: 'Tick the box to confirm',
    });
    expect(deleteAccountSchema.safeParse({ password: 'pw', confirm: true }).success).toBe(true);
  });
});
