/* Quiz attempt page: autosave that survives a dropped connection, and the timer.
 *
 * Every change is written to localStorage first, then sent to the server.
 * An answer leaves localStorage only when the server confirms it, so a reload,
 * a power cut or an offline minute loses nothing: pending answers are put back
 * into the form on load and sent again when the connection returns.
 * The server remains the judge: it refuses answers after the deadline and
 * grades only what it stored.
 *
 * localStorage["lms-attempt-<id>"] = {"<position>": {page, values, posted?}}
 * where values maps field names to lists of values, as the form would send.
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
  var announcer = document.querySelector("[data-announce]");
  var sending = false;
  var timer = null;
  var retryDelay = 5000;
  var submitting = false;

  // --- the store: localStorage, or this page's memory when it is unusable ------------
  var memory = {};
  var useStorage = true;
  function load() {
    if (useStorage) {
      try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { useStorage = false; }
    }
    return JSON.parse(JSON.stringify(memory));
  }
  function store(pending) {
    memory = JSON.parse(JSON.stringify(pending));
    if (!useStorage) return;
    try {
      if (Object.keys(pending).length) localStorage.setItem(key, JSON.stringify(pending));
      else localStorage.removeItem(key);
    } catch (e) { useStorage = false; }  // private mode or full: keep going in memory
  }
  function onThisPage(pending) {
    return Object.keys(pending).filter(function (p) { return pending[p].page === page; });
  }

  // --- what the learner sees -------------------------------------------------------
  function fieldsetOf(position) {
    return form.querySelector('fieldset[data-position="' + position + '"]');
  }
  function status(position, state, text) {
    var fs = fieldsetOf(position);
    var el = fs && fs.querySelector("[data-status]");
    if (!el) return;
    el.dataset.state = state;
    el.textContent = text || "";
  }
  function showOffline(on) {
    if (offline) offline.hidden = !on;
  }

  // --- saving ------------------------------------------------------------------------
  function fieldsOf(fieldset) {
    var values = {};
    fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.disabled) return;
      values[el.name] = values[el.name] || [];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      values[el.name].push(el.value);
    });
    return values;
  }
  function remember(fieldset) {
    if (!fieldset) return;
    var pending = load();
    pending[fieldset.dataset.position] = { page: page, values: fieldsOf(fieldset) };
    store(pending);
    status(fieldset.dataset.position, navigator.onLine === false ? "offline" : "pending");
    schedule(600);
  }
  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }
  function appendValues(body, values) {
    Object.keys(values).forEach(function (name) {
      if (!values[name].length) body.append(name, "");
      values[name].forEach(function (v) { body.append(name, v); });
    });
  }
  function failed(positions) {
    sending = false;
    showOffline(true);
    positions.forEach(function (p) { status(p, "offline"); });
    schedule(retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  }
  function flush() {
    var pending = load();
    var positions = onThisPage(pending);
    if (!positions.length || sending) return;
    var body = new URLSearchParams();
    body.append("page", page);
    positions.forEach(function (p) { appendValues(body, pending[p].values); });
    sending = true;
    clearTimeout(timer);
    // A request that hangs on a weak signal is given up and tried again.
    var abort = window.AbortController ? new AbortController() : null;
    var watchdog = abort && setTimeout(function () { abort.abort(); }, 20000);
    fetch(saveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      signal: abort ? abort.signal : undefined,
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      clearTimeout(watchdog);
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) throw new Error("not JSON");
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      sending = false;
      if (result.status === 409) {  // the attempt is closed: the server shows what counts
        store({});
        window.location.reload();
        return;
      }
      if (result.status !== 200 && result.status !== 400) throw new Error("HTTP " + result.status);
      retryDelay = 5000;
      showOffline(false);
      var now = load();
      (result.data.saved || []).forEach(function (p) {
        var sent = JSON.stringify(pending[p] && pending[p].values);
        // Keep an answer changed while this request was on its way.
        if (now[p] && JSON.stringify(now[p].values) === sent) {
          delete now[p];
          status(p, "saved", form.dataset.msgSaved);
        }
      });
      var errors = result.data.errors || {};
      Object.keys(errors).forEach(function (p) {
        delete now[p];
        status(p, "error", errors[p]);
      });
      store(now);
      if (onThisPage(now).length) schedule(300);
    }).catch(function () {
      clearTimeout(watchdog);
      failed(positions);
    });
  }

  // --- putting pending answers back after a reload ---------------------------------------
  function restoreOrdering(fieldset, ids) {
    var list = fieldset.querySelector("[data-ordering]");
    if (!list || !ids) return;
    ids.forEach(function (id) {
      var input = list.querySelector('input[value="' + CSS.escape(id) + '"]');
      if (input) list.appendChild(input.closest("li"));
    });
    updateMoveButtons(list);
  }
  function restore() {
    var pending = load();
    Object.keys(pending).forEach(function (p) {
      var entry = pending[p];
      if (entry.page !== page) {
        // Sent with a page button and the next page came back: the server has it.
        if (entry.posted) delete pending[p];
        return;
      }
      delete entry.posted;
      var fieldset = fieldsetOf(p);
      if (!fieldset) return;
      var values = entry.values;
      fieldset.querySelectorAll("input, select, textarea").forEach(function (el) {
        var v = values[el.name];
        if (!v || el.disabled) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = v.indexOf(el.value) !== -1;
        else if (el.type !== "hidden") el.value = v[0] || "";
      });
      Object.keys(values).forEach(function (name) {
        if (/-order$/.test(name)) restoreOrdering(fieldset, values[name]);
      });
      status(p, "pending");
    });
    store(pending);
    flush();
  }

  // --- ordering ---------------------------------------------------------------------------
  function updateMoveButtons(list) {
    var items = list.querySelectorAll("li");
    items.forEach(function (item, n) {
      var up = item.querySelector('[data-move="up"]');
      var down = item.querySelector('[data-move="down"]');
      if (up) up.setAttribute("aria-disabled", n === 0 ? "true" : "false");
      if (down) down.setAttribute("aria-disabled", n === items.length - 1 ? "true" : "false");
    });
  }
  form.querySelectorAll("[data-ordering]").forEach(updateMoveButtons);
  form.addEventListener("click", function (e) {
    var button = e.target.closest("[data-move]");
    if (!button) return;
    var item = button.closest("li");
    var list = item.parentNode;
    var moved = false;
    if (button.dataset.move === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      moved = true;
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      moved = true;
    }
    button.focus();
    if (!moved) return;
    updateMoveButtons(list);
    item.classList.remove("is-moved");
    void item.offsetWidth;  // restart the highlight
    item.classList.add("is-moved");
    remember(button.closest("fieldset[data-position]"));
  });

  // --- events -------------------------------------------------------------------------------
  function changed(e) {
    var fs = e.target.closest && e.target.closest("fieldset[data-position]");
    if (fs) remember(fs);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("keydown", function (e) {
    // Enter in a one-line answer keeps the learner on the page (and saves).
    if (e.key === "Enter" && e.target.matches("input[type=text]")) {
      e.preventDefault();
      changed(e);
    }
  });
  form.addEventListener("submit", function (e) {
    if (submitting) return;
    if (navigator.onLine === false) {
      // Leaving now would show the browser's error page: stay, answers are kept.
      e.preventDefault();
      showOffline(true);
      return;
    }
    var pending = load();
    onThisPage(pending).forEach(function (p) { pending[p].posted = true; });
    store(pending);
  });
  window.addEventListener("online", function () {
    retryDelay = 5000;
    if (onThisPage(load()).length) flush(); else showOffline(false);
  });
  window.addEventListener("offline", function () { showOffline(true); });
  // A phone switching to another app may freeze this page: send what waits.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  restore();
  if (navigator.onLine === false) showOffline(true);

  // --- the countdown -----------------------------------------------------------------------
  var clock = document.querySelector("[data-timer]");
  if (!clock) return;
  var deadline = Date.now() + parseInt(clock.dataset.seconds, 10) * 1000;
  var label = clock.previousElementSibling ? clock.previousElementSibling.textContent : "";
  var announced = {};
  function timeUp() {
    if (submitting) return;
    if (navigator.onLine === false) {
      showOffline(true);
      window.addEventListener("online", timeUp, { once: true });
      return;
    }
    submitting = true;
    // Answers of other pages still waiting for the connection go with this page's.
    var pending = load();
    Object.keys(pending).forEach(function (p) {
      if (pending[p].page === page) return;
      var values = pending[p].values;
      Object.keys(values).forEach(function (name) {
        (values[name].length ? values[name] : [""]).forEach(function (v) {
          var input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = v;
          form.appendChild(input);
        });
      });
    });
    // A control named "action" shadows form.action: set the attribute.
    form.setAttribute("action", submitUrl);
    HTMLFormElement.prototype.submit.call(form);
  }
  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    var text = m + ":" + (s < 10 ? "0" : "") + s;
    clock.textContent = text;
    if (left <= 60) clock.parentNode.classList.add("quiz__timer--low");
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > mark - 5 && !announced[mark] && announcer) {
        announced[mark] = true;
        announcer.textContent = label + " " + text;
      }
    });
    if (left === 0) {
      clearInterval(interval);
      timeUp();
    }
  }
  var interval = setInterval(tick, 1000);
  tick();
})();
