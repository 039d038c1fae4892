// Reads each page given on the command line as Firefox's Reader View and read-later apps do
// (Mozilla Readability over jsdom) and prints, one JSON object a line, what it extracted and the
// text of the page's controls (navigation, progress, share), for the .NET tests to judge.
import { JSDOM } from "jsdom";
import { Readability, isProbablyReaderable } from "@mozilla/readability";

// Every piece of text a reader could meet in the controls: each link, line, heading and button.
const controls = [".exit-this-page", "nav", ".progress-controls", ".share", ".whole__back"]
  .flatMap(c => ["a", "p", "h2", "button", "label"].map(piece => `${c} ${piece}`)).join(", ");
const squeeze = text => text.replace(/\s+/g, " ").trim();

for (const url of process.argv.slice(2)) {
  const response = await fetch(url);
  const html = await response.text();
  const page = new JSDOM(html, { url }).window.document;
  const article = new Readability(new JSDOM(html, { url }).window.document).parse();
  process.stdout.write(JSON.stringify({
    url,
    status: response.status,
    readerable: isProbablyReaderable(page),
    title: article?.title ?? null,
    byline: article?.byline ?? null,
    text: squeeze(article?.textContent ?? ""),
    controls: [...page.querySelectorAll(controls)].map(e => squeeze(e.textContent)).filter(t => t.length > 0),
  }) + "\n");
}
