/* Quiz attempt page: autosave that survives a dropped connection, and the timer.
 *
 * Every change is written to localStorage first, then sent to the server.
 * An answer leaves localStorage only when the server confirms it, so a reload,
 * a power cut or an offline minute loses nothing: pending answers are put back
 * into the form on load and sent again when the connection returns.
 * The server remains the judge: it refuses answers after the deadline and
 * grades only what it stored.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-attempt]");
  if (!form) return;
  var key = "lms-attempt-" + form.dataset.attempt;
  var saveUrl = form.dataset.saveUrl;
  var submitUrl = form.dataset.submitUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var page = form.querySelector("input[name=page]").value;
  var offline = document.querySelector("[data-offline]");
  var sending = false;
  var timer = null;

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function store(pending) {
    try { localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* private mode */ }
  }
  function fieldsOf(fieldset) {
    var values = {};
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled) return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) {
        values[el.name] = values[el.name] || [];
        return;
      }
      (values[el.name] = values[el.name] || []).push(el.value);
    });
    return values;
  }
  function status(position, text) {
    var fs = form.querySelector('fieldset[data-position="' + position + '"] [data-status]');
    if (fs) fs.textContent = text;
  }
  function remember(fieldset) {
    var pending = load();
    pending[fieldset.dataset.position] = { page: page, values: fieldsOf(fieldset) };
    store(pending);
    status(fieldset.dataset.position, form.dataset.msgPending || "…");
    schedule();
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(flush, 600);
  }
  function flush() {
    var pending = load();
    var positions = Object.keys(pending).filter(function (p) { return pending[p].page === page; });
    if (!positions.length || sending) return;
    var body = new URLSearchParams();
    body.append("page", page);
    positions.forEach(function (p) {
      var values = pending[p].values;
      Object.keys(values).forEach(function (name) {
        if (!values[name].length) body.append(name, "");
        values[name].forEach(function (v) { body.append(name, v); });
      });
    });
    sending = true;
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      sending = false;
      if (offline) offline.hidden = true;
      var now = load();
      if (result.status === 409) {  // attempt closed on the server
        store({});
        window.location.reload();
        return;
      }
      (result.data.saved || []).forEach(function (p) {
        var sent = JSON.stringify(pending[p] && pending[p].values);
        if (now[p] && JSON.stringify(now[p].values) === sent) delete now[p];
        status(p, form.dataset.msgSaved || "✓");
      });
      Object.keys(result.data.errors || {}).forEach(function (p) {
        delete now[p];
        status(p, result.data.errors[p]);
      });
      store(now);
      if (Object.keys(now).some(function (p) { return now[p].page === page; })) schedule();
    }).catch(function () {
      sending = false;
      if (offline) offline.hidden = false;
      positions.forEach(function (p) { status(p, form.dataset.msgOffline || "⏸"); });
      clearTimeout(timer);
      timer = setTimeout(flush, 5000);
    });
  }
  function restore() {
    var pending = load();
    Object.keys(pending).forEach(function (p) {
      if (pending[p].page !== page) return;
      var fieldset = form.querySelector('fieldset[data-position="' + p + '"]');
      if (!fieldset) return;
      var values = pending[p].values;
      fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
        var v = values[el.name];
        if (!v) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = v.indexOf(el.value) !== -1;
        else if (el.type !== "hidden") el.value = v[0] || "";
      });
    });
    flush();
  }

  form.addEventListener("input", function (e) {
    var fs = e.target.closest("fieldset[data-position]");
    if (fs) remember(fs);
  });
  form.addEventListener("change", function (e) {
    var fs = e.target.closest("fieldset[data-position]");
    if (fs) remember(fs);
  });
  form.addEventListener("click", function (e) {
    var button = e.target.closest("[data-move]");
    if (!button) return;
    var item = button.closest("li");
    if (button.dataset.move === "up" && item.previousElementSibling) {
      item.parentNode.insertBefore(item, item.previousElementSibling);
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      item.parentNode.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
    remember(button.closest("fieldset[data-position]"));
  });
  window.addEventListener("online", flush);
  restore();

  var clock = document.querySelector("[data-timer]");
  if (clock) {
    var deadline = Date.now() + parseInt(clock.dataset.seconds, 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      clock.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) clock.parentNode.classList.add("quiz__timer--low");
      if (left === 0) {
        clearInterval(interval);
        form.action = submitUrl;  // the server grades what it has
        form.submit();
      }
    };
    var interval = setInterval(tick, 1000);
    tick();
  }
})();
