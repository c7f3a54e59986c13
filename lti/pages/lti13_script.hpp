// LTI 1.3's one script, served as /static/lti13.js (the Content-Security-Policy allows no inline
// script): it acts on the handoff page's data (page::handoff). "put" keeps the login's proof in
// the platform's storage (LTI Client Side postMessages, lti.put_data) and goes on to the
// platform; "get" reads it back (lti.get_data) and sends the launch again with it (both asked
// again until the platform answers: its storage frame may still be loading); "close" asks
// the platform to close the registration window (org.imsglobal.lti.close). Answers are taken
// only from the platform's origin (pure).
#pragma once

#include <string_view>

namespace otrbot::lti {

constexpr std::string_view lti13_script = R"js('use strict';
(function () {
  var box = document.getElementById('lti13');
  if (!box) return;
  var d = box.dataset;
  if (d.action === 'close') {
    var to = window.opener || window.parent;
    if (to && to !== window) to.postMessage({subject: 'org.imsglobal.lti.close'}, '*');
    return;
  }
  if (d.action !== 'put' && d.action !== 'get') return;
  function storage() {
    try {
      var host = window.parent !== window ? window.parent : window.opener;
      return d.target === '_parent' ? host : (host && host.frames[d.target]) || null;
    } catch (e) { return null; }
  }
  var id = 'otrbot-' + Math.random().toString(36).slice(2);
  var finished = false;
  function done(value) {
    if (finished) return;
    finished = true;
    if (d.action === 'put') { window.location.replace(d.next); return; }
    document.getElementById('lti13_bind').value = value || '-';
    document.getElementById('lti13_form').submit();
  }
  window.addEventListener('message', function (event) {
    var m = event.data;
    if (event.origin !== d.origin || !m || m.message_id !== id) return;
    if (m.subject === 'lti.put_data.response') done();
    if (m.subject === 'lti.get_data.response') done(m.error ? '' : m.value);
  });
  var message = {subject: 'lti.' + d.action + '_data', message_id: id, key: d.key};
  if (d.action === 'put') message.value = d.value;
  // The platform's storage frame may not exist yet, or may still be loading (a message posted
  // into its first, empty document is lost): ask again, less and less often, until it answers.
  var delay = 50;
  function ask() {
    if (finished) return;
    var frame = storage();
    if (frame) frame.postMessage(message, d.origin);
    window.setTimeout(ask, delay);
    delay = Math.min(delay * 2, 800);
  }
  ask();
  // A platform that never answers: go on without its storage (the launch then offers a new window).
  window.setTimeout(function () { done(''); }, 5000);
})();
)js";

} // namespace otrbot::lti
