import { describe, expect, it } from "vitest";
import { CombinedError } from "urql";
import { GraphQLError } from "graphql";
import { appErrorOf, isAboutField, KNOWN_CODES } from "./errors";
import id from "../i18n/id";
import en from "../i18n/en";

describe("appErrorOf", () => {
  it("reads the code and field of the first GraphQL error", () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError("input.title: must not be empty", {
          extensions: { code: "BAD_USER_INPUT", field: "input.title" },
        }),
      ],
    });
    const app = appErrorOf(error);
    expect(app).toEqual({ code: "BAD_USER_INPUT", field: "input.title" });
    expect(isAboutField(app, "title")).toBe(true);
    expect(isAboutField(app, "description")).toBe(false);
  });

  it("never passes an unknown code or server text through", () => {
    const error = new CombinedError({
      graphQLErrors: [new GraphQLError("boom at line 3", { extensions: { code: "WHATEVER" } })],
    });
    expect(appErrorOf(error)).toEqual({ code: "UNKNOWN" });
  });

  it("tells a network failure apart", () => {
    const error = new CombinedError({ networkError: new Error("Failed to fetch") });
    expect(appErrorOf(error)).toEqual({ code: "NETWORK" });
  });

  it("has a message for every code in both languages", () => {
    for (const code of [...KNOWN_CODES, "NETWORK", "UNKNOWN"]) {
      expect(id.errors[code as keyof typeof id.errors], code).toBeTruthy();
      expect(en.errors[code as keyof typeof en.errors], code).toBeTruthy();
    }
  });
});
