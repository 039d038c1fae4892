// Reads each page given on the command line as a link-preview scraper does (open-graph-scraper,
// given the user agent of a chat app) and prints the tags it found, one JSON object per line.
import ogs from "open-graph-scraper";

const userAgent = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)";
for (const url of process.argv.slice(2)) {
  const response = await fetch(url, { headers: { "user-agent": userAgent } });
  const html = await response.text();
  const { result } = await ogs({ html });
  process.stdout.write(JSON.stringify({ url, status: response.status, result }) + "\n");
}
