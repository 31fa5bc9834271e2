import type { Rejection } from '../shared/decider.js';
import { reject } from '../shared/decider.js';
import type { UserRejectionCode } from './commands.js';

/** Upstream's schema: ASCII letters and digits, at least two. */
export const USERNAME_PATTERN = /^[A-Za-z0-9]{2,}$/;

/** Upstream's limit (bcrypt-era habit kept by its signup form). */
export const MAX_PASSWORD_LENGTH = 72;
export const MIN_PASSWORD_LENGTH = 8;
const MIN_DISTINCT_CHARACTERS = 5;

/** Groups are named like upstream's `group:approvers`. */
export const GROUP_PATTERN = /^group:[a-z0-9_-]+$/;
export const APPROVERS_GROUP = 'group:approvers';
export const ADMINISTRATORS_GROUP = 'group:administrators';

export const MESSAGES = {
  invalidUsername: 'Error! Invalid username',
  alreadyRegistered: 'Username or email is already registered',
  passwordTooLong: `Error! Password too long (max ${MAX_PASSWORD_LENGTH} characters)`,
} as const;

export const isValidUsername = (username: string): boolean => USERNAME_PATTERN.test(username);

// Deliberately plain: a user part, one @, a dotted domain, nothing that needs quoting.
const EMAIL_PATTERN = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const MAX_EMAIL_LENGTH = 254;

/** Trims and lower-cases the domain (the part mail servers treat case-insensitively). */
export const normalizeEmail = (email: string): string => {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  return at < 0 ? trimmed : `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
};

/** Emails are unique case-insensitively, as upstream's collated index makes them. */
export const emailKey = (email: string): string => normalizeEmail(email).toLowerCase();

export const checkEmail = (email: string): Rejection<UserRejectionCode> | null => {
  const normalized = normalizeEmail(email);
  if (normalized.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(normalized)) {
    return reject('invalid_email', `Error! Invalid email: ${JSON.stringify(email)}`);
  }
  return null;
};

/**
 * Upstream asks zxcvbn for a score of at least 3. Without that dictionary we demand a length,
 * some variety, and no reuse of the user name or the email's user part.
 */
export const checkPasswordStrength = (
  password: string,
  identity: { username: string; email?: string },
): Rejection<UserRejectionCode> | null => {
  const weak = (why: string) => reject<UserRejectionCode>('weak_password', `Error! Weak password: ${why}`);
  if (password.length === 0) return weak('Non-empty password required');
  if (password.length > MAX_PASSWORD_LENGTH) return reject('password_too_long', MESSAGES.passwordTooLong);
  if (password.length < MIN_PASSWORD_LENGTH) return weak(`Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (new Set(password).size < MIN_DISTINCT_CHARACTERS) return weak('Avoid repeated characters and short patterns.');
  const lowered = password.toLowerCase();
  const personal = [identity.username, identity.email?.split('@')[0] ?? '']
    .map((word) => word.toLowerCase())
    .filter((word) => word.length >= 3);
  if (personal.some((word) => lowered.includes(word))) return weak('Do not use your user name or email in the password.');
  return null;
};

export const checkGroup = (group: string): Rejection<UserRejectionCode> | null =>
  GROUP_PATTERN.test(group)
    ? null
    : reject('invalid_group', `Error! Invalid group ${JSON.stringify(group)}: expected group:<name> (lower-case letters, digits, _ or -)`);
