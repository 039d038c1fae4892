// Validates each page given on the command line with html-validate's "recommended" preset and
// prints one JSON object per page: its address, status and every error found. RELATIONAL_COOKIE,
// when set, is sent as the Cookie header (the pages of a reader who opted in). A file: address is
// a page the test fetched itself (an answer a GET cannot provoke, such as the 403 to a cross-site
// POST): it is read as it is, with no status.
import { readFile } from "node:fs/promises";
import { HtmlValidate } from "html-validate";

const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
for (const url of process.argv.slice(2)) {
  const { status, html } = url.startsWith("file:") ? { status: null, html: await readFile(new URL(url), "utf8") } : await get(url);
  const report = await validator.validateString(html, url);
  const errors = report.results.flatMap(r => r.messages)
    .filter(m => m.severity === 2)
    .map(m => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  process.stdout.write(JSON.stringify({ url, status, errors }) + "\n");
}

async function get(url) {
  const cookie = process.env.RELATIONAL_COOKIE;
  const response = await fetch(url, { headers: cookie ? { cookie } : {} });
  return { status: response.status, html: await response.text() };
}
