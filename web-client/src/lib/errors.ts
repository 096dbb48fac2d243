// Errors people can act on: every `extensions.code` the gateway sends has a translated
// message; BAD_USER_INPUT names the field it is about so forms show it there. Nothing
// raw (JSON, stack traces, server text) reaches the screen.
import type { CombinedError } from "urql";

export const KNOWN_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "TENANT_NOT_FOUND",
  "TENANT_MISMATCH",
  "TENANT_SUSPENDED",
  "TENANT_MIGRATING",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "TIMEOUT",
  "INTERNAL_SERVER_ERROR",
] as const;

export type ErrorCode = (typeof KNOWN_CODES)[number] | "NETWORK" | "UNKNOWN";

export interface AppError {
  code: ErrorCode;
  /** The input the error is about (BAD_USER_INPUT), e.g. `input.title`. */
  field?: string;
}

interface GraphQLErrorLike {
  extensions?: Record<string, unknown>;
}

function isKnown(code: unknown): code is (typeof KNOWN_CODES)[number] {
  return typeof code === "string" && (KNOWN_CODES as readonly string[]).includes(code);
}

/** The first error of an operation, as the UI shows it. */
export function appErrorOf(
  error: Pick<CombinedError, "graphQLErrors" | "networkError"> | null | undefined,
): AppError | null {
  if (!error) return null;
  const first = error.graphQLErrors[0] as GraphQLErrorLike | undefined;
  if (first) {
    const code = first.extensions?.code;
    const field = first.extensions?.field;
    return {
      code: isKnown(code) ? code : "UNKNOWN",
      ...(typeof field === "string" ? { field } : {}),
    };
  }
  if (error.networkError) return { code: "NETWORK" };
  return { code: "UNKNOWN" };
}

/** The i18n key of an error's message. */
export function errorKey(error: AppError): string {
  return `errors.${error.code}`;
}

/** Whether `error` is about the form input `name` (`title` matches `input.title`). */
export function isAboutField(error: AppError | null, name: string): boolean {
  if (!error || error.code !== "BAD_USER_INPUT" || !error.field) return false;
  return error.field === name || error.field.endsWith(`.${name}`);
}
