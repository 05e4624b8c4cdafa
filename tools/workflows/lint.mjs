// make lint: every workflow in .github/workflows validated by action-validator (a WebAssembly build: no binary
// to download, works offline): GitHub's workflow schema, jobs that `needs` an unknown job, bad globs.
// Prints each finding with its path in the workflow; exits 1 on any.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { validateWorkflow } from "@action-validator/core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const folder = join(root, ".github", "workflows");
const files = (await readdir(folder)).filter((name) => /\.ya?ml$/.test(name)).sort();
if (files.length === 0) {
  console.error(`no workflows in ${relative(root, folder)}`);
  process.exit(1);
}

function describe(error, indent = "  ") {
  const where = error.path ?? (error.location ? `line ${error.location.line}` : "");
  const lines = [`${indent}${where}: ${error.title}${error.detail ? ` - ${error.detail}` : ""}`];
  for (const state of error.states ?? []) {
    for (const inner of state.errors) lines.push(...describe(inner, indent + "  "));
  }
  return lines;
}

let findings = 0;
for (const name of files) {
  const { errors } = validateWorkflow(await readFile(join(folder, name), "utf8"));
  for (const error of errors) {
    findings += 1;
    console.log(`${relative(root, join(folder, name))}:\n${describe(error).join("\n")}`);
  }
}
console.log(`action-validator: ${files.length} workflows, ${findings} findings`);
process.exit(findings ? 1 : 0);
