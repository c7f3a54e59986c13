// The pages' one script, served as /static/progress.js (the Content-Security-Policy allows no
// other): it asks /progress every few seconds and writes the answer into the step line and the
// live region (aria-live="polite": screen readers say what changed); when the step changes, the
// page's <main> is replaced by the page that fits the new step, keeping what was typed. On the
// teacher view it fetches the list again every 15 seconds. The token travels in the URL, so it
// works in an LMS iframe without third-party cookies. Without it, a reload shows the same (pure).
#pragma once

#include <string_view>

namespace otrbot::lti {

constexpr std::string_view progress_script = R"js('use strict';
(function () {
  if (!window.fetch || !window.DOMParser) return;
  var main = document.getElementById('main');
  // A page from the same site in place of this one's <main>: what was typed into its fields
  // stays, and so does the focus. done(ok) is called afterwards.
  function swap(path, done) {
    fetch(path, {credentials: 'omit', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        var next = html && new DOMParser().parseFromString(html, 'text/html');
        var fresh = next && next.getElementById('main');
        if (!fresh || !main) { done(false); return; }
        var focused = document.activeElement ? document.activeElement.id : '';
        main.querySelectorAll('input[id]').forEach(function (old) {
          var same = fresh.querySelector('#' + old.id);
          if (old.type !== 'hidden' && old.value && same && same.type === old.type)
            same.value = old.value;
        });
        var adopted = document.importNode(fresh, true);
        main.parentNode.replaceChild(adopted, main);
        main = adopted;
        document.title = next.title;
        if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
        done(true);
      })
      .catch(function () { done(false); });
  }
  var live = document.getElementById('live');
  if (!live) {
    // The teacher view: the list again every 15 seconds.
    if (!document.getElementById('refreshed')) return;
    var again = function () { setTimeout(function () { swap(location.href, again); }, 15000); };
    again();
    return;
  }
  var url = live.getAttribute('data-progress');
  var token = live.getAttribute('data-token');
  var asked = main ? main.getAttribute('data-step') : '';
  function set(id, text) {
    var e = document.getElementById(id);
    if (e && typeof text === 'string' && e.textContent !== text) e.textContent = text;
  }
  // The instructions and the form follow the step: the page that fits it, without a reload.
  function follow(p) {
    if (!main || typeof p.step !== 'string' || p.step === asked) return;
    asked = p.step;  // asked once per step, even if the answer is late or lost
    var path = typeof p.page === 'string' && p.page ? p.page : location.pathname;
    var target = path + '?s=' + encodeURIComponent(token);
    swap(target, function (ok) {
      if (ok && path !== location.pathname) history.replaceState(null, '', target);
    });
  }
  function poll() {
    fetch(url, {credentials: 'omit', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 10000); return; }
        follow(p);
        var bar = document.querySelector('#step progress');
        if (bar && typeof p.step_number === 'number') bar.value = p.step_number;
        set('step_text', p.step_text);
        set('live_encryption', p.encryption_text);
        set('live_fingerprint', p.fingerprint_text);
        set('live_check', p.check_text);
        live.setAttribute('data-step', p.step || '');
        if (!p.done) setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  poll();
})();
)js";

} // namespace otrbot::lti
