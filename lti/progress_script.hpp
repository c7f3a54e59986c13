// The pages' one script, served as /static/progress.js (the Content-Security-Policy allows no
// other): it asks /progress every few seconds and writes the answer into the step line and the
// live region (aria-live="polite": screen readers say what changed). The token travels in the
// URL, so it works in an LMS iframe without third-party cookies. Without it, a reload shows the
// same (pure).
#pragma once

#include <string_view>

namespace otrbot::lti {

constexpr std::string_view progress_script = R"js('use strict';
(function () {
  var live = document.getElementById('live');
  if (!live || !window.fetch) return;
  var url = live.getAttribute('data-progress');
  function set(id, text) {
    var e = document.getElementById(id);
    if (e && typeof text === 'string' && e.textContent !== text) e.textContent = text;
  }
  function poll() {
    fetch(url, {credentials: 'omit', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { setTimeout(poll, 10000); return; }
        var bar = document.querySelector('#step progress');
        if (bar && typeof p.step_number === 'number') bar.value = p.step_number;
        set('step_text', p.step_text);
        set('live_encryption', p.encryption_text);
        set('live_fingerprint', p.fingerprint_text);
        set('live_smp', p.smp_text);
        live.setAttribute('data-step', p.step || '');
        if (!p.done) setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  poll();
})();
)js";

} // namespace otrbot::lti
