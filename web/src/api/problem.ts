/**
 * RFC 9457 problem details as the ProductSynch API sends them
 * (`application/problem+json`: type, title, status, detail, errors[{field, code, message}]).
 */

export interface FieldProblem {
  /** The request field in the request's own camelCase spelling; nested fields use dots. */
  field: string;
  code: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  /** A stable machine-readable reason for 401 and 409 (e.g. `token_expired`, `invalid_password`, `email_taken`). */
  code?: string | null;
  requestId?: string | null;
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.title === 'string' && typeof v.status === 'number';
}

/** An error answered by the API (or a network failure, status 0), always carrying a problem. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds from `Retry-After`, when the server sent one (429, 503). */
  readonly retryAfter?: number;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  get fieldErrors(): FieldProblem[] {
    return this.problem.errors ?? [];
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** A human sentence for any error, for notifications and form-level alerts. */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) {
    if (e.status === 0) return 'Cannot reach ProductSynch. Check your connection and try again.';
    if (e.status === 429) {
      const wait = e.retryAfter ? ` Try again in ${formatWait(e.retryAfter)}.` : ' Try again in a moment.';
      return `Too many attempts.${wait}`;
    }
    return e.problem.detail || e.problem.title;
  }
  if (e instanceof Error) return e.message;
  return 'Something went wrong.';
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export interface MappedProblem<F extends string> {
  /** Messages for the form's own fields (first message per field wins). */
  fields: Partial<Record<F, string>>;
  /** What could not be placed on a field: shown as a form-level alert. Null when everything was placed. */
  formMessage: string | null;
}

/**
 * Splits an error into messages for the form's fields and one form-level message.
 *
 * `fields` lists the form's field names; `aliases` maps an API field name to a form field when
 * they differ (e.g. `{ password: 'newPassword' }`). A nested API field (`address.city`) matches
 * a form field of the same dotted name, or else its first segment.
 */
export function mapProblemToFields<F extends string>(
  error: unknown,
  fields: readonly F[],
  aliases: Partial<Record<string, F>> = {},
): MappedProblem<F> {
  const known = new Set<string>(fields);
  const out: Partial<Record<F, string>> = {};
  const unplaced: string[] = [];
  if (!isApiError(error)) {
    return { fields: out, formMessage: errorMessage(error) };
  }
  for (const fe of error.fieldErrors) {
    const target = resolveField(fe.field, known, aliases);
    if (target === undefined) {
      unplaced.push(fe.message);
    } else if (out[target] === undefined) {
      out[target] = fe.message;
    }
  }
  let formMessage: string | null = null;
  if (unplaced.length > 0) {
    formMessage = unplaced.join(' ');
  } else if (error.fieldErrors.length === 0) {
    formMessage = errorMessage(error);
  }
  return { fields: out, formMessage };
}

function resolveField<F extends string>(
  field: string,
  known: Set<string>,
  aliases: Partial<Record<string, F>>,
): F | undefined {
  const alias = aliases[field];
  if (alias !== undefined) return alias;
  if (known.has(field)) return field as F;
  const head = field.split('.')[0];
  const headAlias = aliases[head];
  if (headAlias !== undefined) return headAlias;
  if (known.has(head)) return head as F;
  return undefined;
}
