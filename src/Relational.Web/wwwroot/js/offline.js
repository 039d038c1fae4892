/* The offline copy's controls (Offline/_OfflineControl.cshtml). Nothing is registered or stored
   until the reader presses "Keep this series on this device for offline reading"; looking for an
   existing copy (getRegistration, caches.has) creates nothing. */
(function (w, d) {
  var sw = w.navigator.serviceWorker, PREFIX = 'relational-offline-', PREFS = 'relational-prefs';
  var supported = !!(sw && w.caches);

  function each(selector, fn) {
    Array.prototype.forEach.call(d.querySelectorAll(selector), fn);
  }

  function tell(text) { each('[data-offline-status]', function (s) { s.textContent = text; }); }

  function show(kept) {
    each('[data-offline-keep]', function (b) { b.hidden = !supported || kept; b.disabled = false; });
    each('[data-offline-kept]', function (p) { p.hidden = !kept; });
    each('[data-offline-none]', function (p) { p.hidden = kept || !supported; });
    // Without scripts the removal form stays visible where the page always offers it.
    each('form[data-offline-remove]', function (f) { f.hidden = !kept; });
  }

  async function hasCopy() {
    if (!supported) { return false; }
    var registration = await sw.getRegistration('/');
    return !!registration;
  }

  async function removeHere() {
    if (!supported) { return; }
    var registrations = await sw.getRegistrations();
    await Promise.all(registrations.map(function (r) { return r.unregister(); }));
    var names = await w.caches.keys();
    await Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0; })
      .map(function (n) { return w.caches.delete(n); }));
  }

  async function keep(e) {
    // The button is hidden while the copy is made: focus moves to the words saying how it goes.
    var status = e.currentTarget.closest('[data-offline]').querySelector('[data-offline-status]');
    tell('Making the offline copy…');
    status.focus();
    show(false);
    each('[data-offline-keep]', function (b) { b.disabled = true; });
    try {
      var registration = await sw.register('/sw.js', { scope: '/' });
      var worker = registration.installing || registration.waiting || registration.active;
      await new Promise(function (resolve, reject) {
        if (worker.state === 'activated') { resolve(); return; }
        worker.addEventListener('statechange', function () {
          if (worker.state === 'activated') { resolve(); }
          if (worker.state === 'redundant') { reject(new Error('install failed')); }
        });
      });
      show(true);
      tell('Done. This series is now kept on this device, and you can read it without a connection.');
    } catch (e) {
      await removeHere().catch(function () {});
      show(false);
      tell('The offline copy could not be made just now. Nothing was kept. You can try again later.');
    }
  }

  /* Remove the offline copy, and Forget my progress: the server answers with Clear-Site-Data, which
     also erases the reading preferences kept in this browser. They are put back straight after, from
     this page's memory: they never leave the device. */
  async function submitErasing(form, e) {
    e.preventDefault();
    var prefs = null;
    try { prefs = w.localStorage.getItem(PREFS); } catch (ignored) { /* storage off */ }
    await removeHere().catch(function () {});
    var response;
    try {
      response = await w.fetch(form.action, {
        method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin',
      });
    } catch (failed) {
      tell('That could not reach the site just now. Please try again when you are online.');
      return;
    }
    if (prefs !== null) {
      try { w.localStorage.setItem(PREFS, prefs); } catch (ignored) { /* storage off */ }
    }
    if (response.ok) {
      w.location.assign(response.url);
    } else {
      // Refused (too many requests, say): send the form itself, so the calm page explains.
      form.submit();
    }
  }

  // Made here, not in the markup: without scripts they would show as dead text and dead buttons.
  // The removal form too, except where the page always offers it (it works without scripts there).
  each('[data-offline]', function (control) {
    var before = control.querySelector('form[data-offline-remove]');
    if (!before) {
      var remove = d.createElement('button');
      remove.type = 'submit';
      remove.className = 'button';
      remove.textContent = 'Remove the offline copy';
      before = d.createElement('form');
      before.method = 'post';
      before.action = control.getAttribute('data-offline-remove-action');
      before.setAttribute('data-offline-remove', '');
      before.hidden = true;
      before.appendChild(remove);
      control.insertBefore(before, control.querySelector('[data-offline-status]'));
    }
    [
      ['p', 'data-offline-unsupported', 'progress-controls__note', 'This browser can’t keep an offline copy.'],
      ['p', 'data-offline-kept', '', 'This series is kept on this device for offline reading.'],
      ['p', 'data-offline-none', '', 'No offline copy is kept on this device.'],
      ['button', 'data-offline-keep', 'button', 'Keep this series on this device for offline reading'],
    ].forEach(function (part) {
      var made = d.createElement(part[0]);
      made.setAttribute(part[1], '');
      if (part[2]) { made.className = part[2]; }
      if (part[0] === 'button') { made.type = 'button'; }
      made.textContent = part[3];
      made.hidden = true;
      control.insertBefore(made, before);
    });
  });
  each('form[data-offline-remove], form[action$="/forget" i]', function (form) {
    form.addEventListener('submit', function (e) { submitErasing(form, e); });
  });

  if (!d.querySelector('[data-offline]')) { return; }
  each('[data-offline-unsupported]', function (p) { p.hidden = supported; });
  each('[data-offline-keep]', function (b) { b.addEventListener('click', keep); });
  show(false);
  hasCopy().then(function (kept) {
    show(kept);
    // A visit while online: the worker checks whether the content changed since the copy was made.
    if (kept && sw.controller) { sw.controller.postMessage('refresh'); }
  });
})(window, document);
