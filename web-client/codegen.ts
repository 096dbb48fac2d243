import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for every operation in src/, derived from the checked-in SDL: after a schema
// change, `npm run codegen` is the one command; `npm run codegen:check` fails when the
// committed output is stale or an operation no longer validates against the schema.
const out = process.env.CODEGEN_OUT ?? "src/gql/";

const config: CodegenConfig = {
  schema: "../graphql/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: false,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: {
          Rupiah: "number",
          DateTime: "string",
          NaiveDate: "string",
          Decimal: "string",
          JSON: "unknown",
        },
      },
    },
  },
};

export default config;
