/* The offline copy. Registered only when a reader presses "Keep this series on this device for
   offline reading" (js/offline.js); never before. One cache per content version holds the whole
   series as served at that version: every page is fetched without cookies (the copy holds text,
   not anyone's progress), with the stylesheet, scripts and icons those pages use. Pages always come
   from the network when it answers; the copy is read only when it does not. */
'use strict';

var PREFIX = 'relational-offline-';
// Written last: a cache without it is a copy still being made (or cut short) and is never read.
var COMPLETE = '/offline/files';
var CHECK_EVERY_MS = 10000;
var lastCheck = 0, refreshing = null;

function copyName(version) { return PREFIX + version; }

async function listFiles() {
  var response = await fetch(COMPLETE, { cache: 'no-store', credentials: 'omit' });
  if (!response.ok) { throw new Error('file list ' + response.status); }
  return response.json();
}

// The stylesheet, scripts, icons and manifest a page refers to, as the page spells them (fingerprinted).
function assetsOf(html) {
  var found = [], re = /<(?:link|script)\b[^>]*?\b(?:href|src)="(\/[^"]+)"/g, m;
  while ((m = re.exec(html))) {
    if (/\.(css|js|svg|png|ico|webmanifest)(\?|$)/.test(m[1])) { found.push(m[1].replace(/&amp;/g, '&')); }
  }
  return found;
}

async function fetchWhole(url) {
  // no-cache: revalidated with the server (ETag, 304), so the copy is the version served now.
  var response = await fetch(url, { cache: 'no-cache', credentials: 'omit', redirect: 'follow' });
  if (!response.ok || response.redirected) { throw new Error(url + ' ' + response.status); }
  return response;
}

/* Makes the whole copy for the version served now, then drops every other copy. If the content
   changes while the copy is being made, that copy is thrown away and made again, so one copy never
   holds pages of two versions. Given the copy it refreshes, it only ever replaces that copy: if the
   copy is removed meanwhile (Remove, Forget, Clear-Site-Data), it stops and deletes what it wrote,
   so nothing comes back after a removal. Resolves to the version kept, or null if it stopped. */
async function makeCopy(refreshing) {
  var removed = async function () { return refreshing && !(await caches.has(refreshing)); };
  for (var attempt = 0; attempt < 3; attempt++) {
    var files = await listFiles();
    var name = copyName(files.version);
    if (await removed()) { return null; }
    if (name === refreshing) { return files.version; }
    var cache = await caches.open(name);
    if (await cache.match(COMPLETE)) { await dropAllBut(name); return files.version; }

    // The images in the articles, at the addresses the pages give them (?v= names their bytes).
    var assets = new Set(['/favicon.svg', '/favicon-neutral.svg', '/manifest.webmanifest', '/manifest-neutral.webmanifest'].concat(files.media || []));
    for (var page of files.pages) {
      var response = await fetchWhole(page);
      assetsOf(await response.clone().text()).forEach(function (a) { assets.add(a); });
      if (await removed()) { await caches.delete(name); return null; }
      await cache.put(page, response);
    }
    for (var asset of assets) { await cache.put(asset, await fetchWhole(asset)); }

    // A first copy says so (?copy=made): the site counts copies made, nothing else about them.
    var after = await fetch(refreshing ? COMPLETE : COMPLETE + '?copy=made', { cache: 'no-store', credentials: 'omit' });
    var afterFiles = await after.clone().json();
    if (afterFiles.version === files.version) {
      await cache.put(COMPLETE, after);
      if (await removed()) { await caches.delete(name); return null; }
      await dropAllBut(name);
      return files.version;
    }
    await caches.delete(name);
  }
  throw new Error('the content kept changing while the offline copy was being made');
}

async function dropAllBut(keep) {
  var names = await caches.keys();
  await Promise.all(names.filter(function (n) { return n !== keep && n.indexOf(PREFIX) === 0; })
    .map(function (n) { return caches.delete(n); }));
}

// The name of the whole copy to read from, or null. Only a complete one is ever read.
async function currentCopyName() {
  var names = (await caches.keys()).filter(function (n) { return n.indexOf(PREFIX) === 0; });
  for (var i = names.length - 1; i >= 0; i--) {
    if (await (await caches.open(names[i])).match(COMPLETE)) { return names[i]; }
  }
  return null;
}

async function currentCopy() {
  var name = await currentCopyName();
  return name && caches.open(name);
}

// On a visit while online: if the content version changed, make the new copy (the old one is
// read until the new one is whole, then deleted).
function refreshIfChanged(force) {
  var now = Date.now();
  if (refreshing) { return refreshing; }
  if (!force && now - lastCheck < CHECK_EVERY_MS) { return Promise.resolve({}); }
  lastCheck = now;
  // A visit refreshes the copy there is; it never makes one from nothing (only keeping does).
  refreshing = currentCopyName().then(function (kept) {
    return kept ? makeCopy(kept) : null;
  }).then(function (version) {
    return version ? { version: version } : { problem: 'no offline copy is kept here' };
  }, function (e) {
    // Offline, or the server is busy: the copy stays as it is and the next visit tries again.
    return { problem: String(e && e.message || e) };
  }).then(function (outcome) { refreshing = null; return outcome; });
  return refreshing;
}

var NOTE = '<div class="offline-note" role="note" aria-label="Offline copy">' +
  '<p><strong>This is the offline copy</strong> kept on this device. It is the series as it was when the copy was made.</p>' +
  '<p>Your progress is not recorded while you read offline: nothing you open or press here is sent or kept. ' +
  '<a href="/offline">About the offline copy</a></p></div>';

function withNote(html, extra) {
  var note = NOTE.replace('</div>', (extra ? '<p class="offline-note__extra">' + extra + '</p>' : '') + '</div>');
  return html.replace(/(<main\b[^>]*>)/, '$1' + note);
}

async function fromCopy(request, extra) {
  var cache = await currentCopy();
  var url = new URL(request.url);
  // ?discreet=1 and confirmation queries open the same page: prefs.js still applies discreet mode.
  var cached = cache && (await cache.match(url.pathname, { ignoreSearch: true }));
  if (!cached) {
    cached = cache && (await cache.match('/offline'));
    extra = extra || 'That page is not part of the offline copy.';
  }
  if (!cached) { return Response.error(); }
  var headers = new Headers(cached.headers);
  headers.delete('Content-Length');
  headers.delete('ETag');
  headers.set('Cache-Control', 'no-store');
  return new Response(withNote(await cached.text(), extra), { status: 200, headers: headers });
}

self.addEventListener('install', function (event) {
  event.waitUntil(makeCopy(null).then(function () { lastCheck = Date.now(); return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', function (event) {
  if (event.data === 'refresh') {
    // The answer (the version now kept, or why not) goes back on the port the page gave, if any.
    event.waitUntil(refreshIfChanged(true).then(function (outcome) {
      if (event.ports[0]) { event.ports[0].postMessage(outcome); }
    }));
  }
});

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }

  if (request.method !== 'GET') {
    // A progress form sent offline: say plainly that nothing was saved.
    if (request.mode === 'navigate') {
      event.respondWith(fetch(request).catch(function () {
        return fromCopy(new Request('/offline'), 'You are offline, so that was not saved.');
      }));
    }
    return;
  }

  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(refreshIfChanged(false));
      return response;
    }, function () {
      return fromCopy(request);
    }));
    return;
  }

  event.respondWith(fetch(request).catch(async function () {
    var cache = await currentCopy();
    return (cache && (await cache.match(url.pathname + url.search))) || Response.error();
  }));
});
