// Fails when src/gql/ differs from what codegen makes of ../graphql/schema.graphql and the
// operations in src/ (codegen itself fails when an operation does not validate).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "klustera-codegen-"));
try {
  execFileSync("npx", ["graphql-codegen", "--config", "codegen.ts"], {
    stdio: "inherit",
    env: { ...process.env, CODEGEN_OUT: `${dir}/` },
  });
  const committed = "src/gql";
  const names = new Set([...readdirSync(dir), ...readdirSync(committed)]);
  const stale = [...names].filter((name) => {
    try {
      return readFileSync(join(dir, name), "utf8") !== readFileSync(join(committed, name), "utf8");
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(`generated types are stale: ${stale.join(", ")}; run \`npm run codegen\``);
    process.exit(1);
  }
  console.log("generated types are up to date with ../graphql/schema.graphql");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
