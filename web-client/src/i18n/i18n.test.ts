import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import id from "./id";
import en from "./en";

type Tree = { [k: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === "string" ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}

function lookup(tree: Tree, key: string): string | Tree | undefined {
  return key.split(".").reduce<string | Tree | undefined>((node, part) => (typeof node === "object" ? node[part] : undefined), tree);
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "gql" ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("translations", () => {
  it("has the same keys in both languages, none empty", () => {
    expect(keys(en as Tree).sort()).toEqual(keys(id as Tree).sort());
    for (const k of keys(id as Tree)) {
      expect((lookup(id as Tree, k) as string).length, k).toBeGreaterThan(0);
      expect((lookup(en as Tree, k) as string).length, k).toBeGreaterThan(0);
    }
  });

  it("translates every fixed key the code asks for", () => {
    const missing: string[] = [];
    for (const file of sources(join(__dirname, ".."))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z]+\.[a-zA-Z0-9_.]+)"/g)) {
        const key = m[1]!;
        const plural = lookup(id as Tree, `${key}_other`);
        if (lookup(id as Tree, key) === undefined && plural === undefined) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
