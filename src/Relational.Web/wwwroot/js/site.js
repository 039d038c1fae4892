/* Enhancements only: every page works without this file. Nothing here moves the reader on its own. */
(function (w, d) {
  var prefs = w.RelationalPrefs || { get: function () { return {}; }, save: function () {} };

  // Exit this page: on click, or Shift pressed alone three times within 5 seconds.
  var exit = d.querySelector('[data-exit-link]'), exitStatus = d.querySelector('[data-exit-status]');
  var presses = [], shiftAlone = false;

  function leave() {
    var overlay = d.createElement('div');
    overlay.className = 'exit-overlay';
    overlay.textContent = 'Loading.';
    d.body.appendChild(overlay);
    d.body.classList.add('exiting');
    w.location.replace(exit.href);
  }

  function say(text) { if (exitStatus) { exitStatus.textContent = text; } }

  if (exit) {
    exit.addEventListener('click', function (e) {
      if (e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
      e.preventDefault();
      leave();
    });
    d.addEventListener('keydown', function (e) {
      if (e.key === 'Shift') {
        shiftAlone = !e.repeat && !e.ctrlKey && !e.altKey && !e.metaKey;
      } else {
        // Any other key (capitals, shortcuts) starts the count again.
        shiftAlone = false;
        if (presses.length) { presses = []; say(''); }
      }
    });
    d.addEventListener('keyup', function (e) {
      if (e.key !== 'Shift' || !shiftAlone) { return; }
      shiftAlone = false;
      var now = Date.now();
      presses = presses.filter(function (t) { return now - t < 5000; });
      presses.push(now);
      if (presses.length >= 3) {
        say('Leaving this page.');
        leave();
      } else {
        var left = 3 - presses.length;
        say('Shift pressed. Press it ' + left + ' more time' + (left > 1 ? 's' : '') + ' to exit this page.');
      }
    });
  }

  // Coming back through the back/forward cache: show the page again.
  w.addEventListener('pageshow', function (e) {
    if (!e.persisted) { return; }
    d.body.classList.remove('exiting');
    var overlay = d.querySelector('.exit-overlay');
    if (overlay) { overlay.remove(); }
    presses = [];
    say('');
  });

  // Left and right arrow keys move between parts, unless a modifier is held or focus is in a field.
  d.addEventListener('keydown', function (e) {
    var rel = e.key === 'ArrowLeft' ? 'prev' : e.key === 'ArrowRight' ? 'next' : '';
    var t = e.target;
    if (!rel || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    if (t && t.closest && t.closest('input, textarea, select, [contenteditable]:not([contenteditable=false])')) { return; }
    var link = d.querySelector('a[rel~=' + rel + ']');
    if (link) { w.location.href = link.href; }
  });

  // Share: copy the link and the share sheet where the browser offers them.
  var share = d.querySelector('[data-share]');
  if (share) {
    var field = share.querySelector('#share-url'), shareStatus = share.querySelector('[data-share-status]');
    var copy = share.querySelector('[data-share-copy]'), native = share.querySelector('[data-share-native]');
    var discreet = d.documentElement.getAttribute('data-discreet') === 'on';
    var url = field.value;
    if (discreet && !/[?&]discreet=1/.test(url)) {
      url += (url.indexOf('?') < 0 ? '?' : '&') + 'discreet=1';
      field.value = url;
    }
    var title = discreet ? 'Reading' : share.getAttribute('data-share-title');
    var tell = function (text) { shareStatus.textContent = text; };

    if (copy && w.navigator.clipboard && w.navigator.clipboard.writeText) {
      copy.hidden = false;
      copy.addEventListener('click', function () {
        w.navigator.clipboard.writeText(url).then(function () {
          tell('Link copied.');
        }, function () {
          field.select();
          tell('Could not copy. The link is selected, so you can copy it yourself.');
        });
      });
    }
    if (native && w.navigator.share) {
      native.hidden = false;
      native.addEventListener('click', function () {
        w.navigator.share({ title: title, url: url }).catch(function () { /* closed by the reader */ });
      });
    }
  }

  // Reading preferences: saved on this device and applied at once.
  var form = d.querySelector('[data-preferences]');
  if (form) {
    var names = ['theme', 'size', 'pauses', 'discreet'], current = prefs.get();
    var formStatus = form.querySelector('[data-preferences-status]');
    names.forEach(function (name) {
      var value = current[name];
      var input = value && form.querySelector('input[name="' + name + '"][value="' + value + '"]');
      if (input) { input.checked = true; }
    });
    form.addEventListener('change', function () {
      var chosen = {};
      names.forEach(function (name) {
        var input = form.querySelector('input[name="' + name + '"]:checked');
        if (input) { chosen[name] = input.value; }
      });
      prefs.save(chosen);
      if (formStatus) { formStatus.textContent = 'Saved in this browser.'; }
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); });
  }
})(window, document);
