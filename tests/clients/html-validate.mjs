// Validates each page given on the command line with html-validate's "recommended" preset and
// prints one JSON object per page: its address, status and every error found. RELATIONAL_COOKIE,
// when set, is sent as the Cookie header (the pages of a reader who opted in).
import { HtmlValidate } from "html-validate";

const validator = new HtmlValidate({ extends: ["html-validate:recommended"] });
for (const url of process.argv.slice(2)) {
  const cookie = process.env.RELATIONAL_COOKIE;
  const response = await fetch(url, { headers: cookie ? { cookie } : {} });
  const html = await response.text();
  const report = await validator.validateString(html, url);
  const errors = report.results.flatMap(r => r.messages)
    .filter(m => m.severity === 2)
    .map(m => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
  process.stdout.write(JSON.stringify({ url, status: response.status, errors }) + "\n");
}
