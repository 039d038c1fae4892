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
        // The reader may have turned the shortcut off (a screen reader paused with Shift).
        shiftAlone = !e.repeat && !e.ctrlKey && !e.altKey && !e.metaKey && prefs.get().exitShortcut !== 'off';
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

  // A reader's own marks (started, finished, the place to continue from) on a page Back restored
  // as it was: asked for again, and replaced where they changed meanwhile.
  function refreshMarks() {
    if (!d.querySelector('[data-marks]') || !w.fetch || !w.DOMParser) { return; }
    w.fetch(w.location.href, { credentials: 'same-origin', cache: 'no-cache' }).then(function (r) {
      return r.ok ? r.text() : '';
    }).then(function (html) {
      var fresh = new w.DOMParser().parseFromString(html, 'text/html');
      Array.prototype.forEach.call(d.querySelectorAll('[data-marks]'), function (old) {
        var now = fresh.querySelector('[data-marks="' + old.getAttribute('data-marks') + '"]');
        if (now && now.outerHTML !== old.outerHTML) { old.replaceWith(d.importNode(now, true)); }
      });
    }).catch(function () { /* offline: the marks stay as they were */ });
  }

  // Coming back through the back/forward cache: show the page again.
  w.addEventListener('pageshow', function (e) {
    if (!e.persisted) { return; }
    refreshMarks();
    d.body.classList.remove('exiting');
    var overlay = d.querySelector('.exit-overlay');
    if (overlay) { overlay.remove(); }
    presses = [];
    say('');
  });

  // Left and right arrow keys move between parts only while nothing interactive has focus (a link,
  // a button, a field: there the arrows are the reader's own) and no modifier is held.
  var interactive = 'a[href], button, input, textarea, select, summary, [contenteditable]:not([contenteditable=false]), [tabindex]:not([tabindex="-1"])';
  d.addEventListener('keydown', function (e) {
    var rel = e.key === 'ArrowLeft' ? 'prev' : e.key === 'ArrowRight' ? 'next' : '';
    var t = e.target;
    if (!rel || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    if (t && t.closest && t.closest(interactive)) { return; }
    var link = d.querySelector('a[rel~=' + rel + ']');
    if (link) { w.location.href = link.href; }
  });

  // Share: the page shows the link as text; here it gains a field to select it, copy, and the
  // share sheet, each only where the browser offers it.
  var share = d.querySelector('[data-share]');
  if (share) {
    var address = share.querySelector('[data-share-address]'), shareStatus = share.querySelector('[data-share-status]');
    var discreet = d.documentElement.getAttribute('data-discreet') === 'on';
    var url = address.href, neutral = share.getAttribute('data-share-discreet');
    // Discreet mode shares the part's neutral address: no topic words in a chat or a history.
    if (discreet && neutral && url !== neutral) {
      url = neutral;
      address.href = url;
      address.textContent = url;
    }
    var title = discreet ? 'Reading' : share.getAttribute('data-share-title');
    var tell = function (text) { shareStatus.textContent = text; };
    var make = function (tag, props) { var el = d.createElement(tag); Object.keys(props).forEach(function (k) { el[k] = props[k]; }); return el; };

    var label = make('label', { className: 'share__label', htmlFor: 'share-url', textContent: 'Select the link' });
    var field = make('input', { className: 'share__url', id: 'share-url', type: 'text', readOnly: true, value: url, spellcheck: false });
    var actions = make('div', { className: 'share__actions' });
    share.insertBefore(label, shareStatus);
    share.insertBefore(field, shareStatus);

    if (w.navigator.clipboard && w.navigator.clipboard.writeText) {
      var copy = make('button', { type: 'button', className: 'button', textContent: 'Copy link' });
      copy.setAttribute('data-share-copy', '');
      copy.addEventListener('click', function () {
        w.navigator.clipboard.writeText(url).then(function () {
          tell('Link copied.');
        }, function () {
          field.select();
          tell('Could not copy. The link is selected, so you can copy it yourself.');
        });
      });
      actions.appendChild(copy);
    }
    if (w.navigator.share) {
      var native = make('button', { type: 'button', className: 'button', textContent: 'Share…' });
      native.setAttribute('data-share-native', '');
      native.addEventListener('click', function () {
        w.navigator.share({ title: title, url: url }).catch(function () { /* closed by the reader */ });
      });
      actions.appendChild(native);
    }
    if (actions.childNodes.length) { share.insertBefore(actions, shareStatus); }
  }

  // The sticky exit bar: whatever is focused or linked to scrolls in below it. The stylesheet
  // reserves its usual height; this follows its real one (a larger text size, a narrow screen).
  var bar = d.querySelector('[data-exit-this-page]');
  if (bar && w.ResizeObserver) {
    new w.ResizeObserver(function () {
      d.documentElement.style.setProperty('--exit-bar', bar.offsetHeight + 'px');
    }).observe(bar);
  }
  // A control taller than the room below the bar (a long link at 400 % zoom) is scrolled only as far
  // as the browser likes: once it has, bring its top and focus ring out from under the bar.
  if (bar) {
    d.addEventListener('focusin', function (e) {
      w.requestAnimationFrame(function () {
        var t = e.target, below = bar.getBoundingClientRect().bottom + 8;
        if (t === d.activeElement && !bar.contains(t) && t.getBoundingClientRect) {
          var r = t.getBoundingClientRect();
          if (r.top < below && r.bottom > 0 && getComputedStyle(t).position !== 'absolute') { w.scrollBy(0, r.top - below); }
        }
      });
    });
  }

  // After a form, the message saying what it did has focus, so it is on screen and read out. The
  // address's fragment names it, which focuses it without scripts; this covers an address without one.
  var outcome = d.getElementById('outcome');
  if (outcome && d.activeElement !== outcome) { outcome.focus(); }

  // After a progress form the page says what happened, told by ?progress=…; take that off the
  // address, so a reader who copies or shares the address shares the plain page.
  if (/[?&]progress=/.test(w.location.search) && w.history.replaceState) {
    var query = w.location.search.slice(1).split('&').filter(function (p) { return p.indexOf('progress=') !== 0; }).join('&');
    w.history.replaceState(w.history.state, '', w.location.pathname + (query ? '?' + query : '') + w.location.hash);
  }

  // Reading preferences: saved on this device and applied at once.
  var form = d.querySelector('[data-preferences]');
  if (form) {
    var names = ['theme', 'size', 'pauses', 'discreet', 'exitShortcut'], current = prefs.get();
    var formStatus = form.querySelector('[data-preferences-status]');
    names.forEach(function (name) {
      var value = current[name];
      var input = value && form.querySelector('input[name="' + name + '"][value="' + value + '"]');
      if (input) { input.checked = true; }
    });
    var saveChoices = function () {
      var chosen = {};
      names.forEach(function (name) {
        var input = form.querySelector('input[name="' + name + '"]:checked');
        if (input) { chosen[name] = input.value; }
      });
      prefs.save(chosen);
      if (formStatus) { formStatus.textContent = 'Saved in this browser.'; }
    };
    form.addEventListener('change', saveChoices);
    form.addEventListener('submit', function (e) { e.preventDefault(); saveChoices(); });
  }
})(window, document);
