/* Applies the reader's preferences before first paint. Runs synchronously in <head>; kept tiny.
   Preferences live in this browser only (localStorage), never on the server. */
(function (w, d) {
  var KEY = 'relational-prefs', root = d.documentElement, title = d.title;
  // Neutral, yet still saying what a form just did (the server writes it beside the title).
  var neutralTitle = (d.querySelector('title') || root).getAttribute('data-neutral') || 'Reading';
  var icon = d.querySelector('link[rel=icon]'), iconHref = icon && icon.getAttribute('href');
  var manifest = d.querySelector('link[rel=manifest]'), manifestHref = manifest && manifest.getAttribute('href');
  var feed = d.querySelector('link[rel=alternate][type="application/atom+xml"]');

  function get() {
    try { return JSON.parse(w.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }

  function set(name, value) {
    if (value) { root.setAttribute('data-' + name, value); } else { root.removeAttribute('data-' + name); }
  }

  function apply(p) {
    set('theme', p.theme === 'light' || p.theme === 'dark' ? p.theme : '');
    set('text-size', p.size === 'large' || p.size === 'larger' ? p.size : '');
    set('pauses', p.pauses === 'off' ? 'off' : '');
    // Discreet: a neutral tab title and icon, so history and tabs say only "Reading".
    var discreet = p.discreet === 'on' || /[?&]discreet=1(&|$)/.test(w.location.search);
    set('discreet', discreet ? 'on' : '');
    d.title = discreet ? neutralTitle : title;
    if (icon) { icon.setAttribute('href', discreet ? '/favicon-neutral.svg' : iconHref); }
    // Added to a home screen in discreet mode, the site is named "Reading", with the plain icon.
    if (manifest) { manifest.setAttribute('href', discreet ? '/manifest-neutral.webmanifest' : manifestHref); }
    // The feed is named for the topic: a discreet page offers none.
    if (feed && discreet) { feed.remove(); }
  }

  function save(p) {
    try { w.localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* storage off: apply for this page only */ }
    apply(p);
  }

  root.className += ' js';
  apply(get());
  w.RelationalPrefs = { get: get, save: save };
})(window, document);
