// Small behaviours for every page. No inline scripts: the Content Security Policy forbids them.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Before the idle limit: a notice with a button that makes a real request (WCAG 2.2.1). Nothing
// polls the server, so the session is extended only by the user's own requests.
(() => {
  const body = document.body;
  const idle = Number(body.dataset.idleSeconds || 0);
  const warn = Number(body.dataset.warnSeconds || 0);
  const notice = document.getElementById("session-warning");
  const button = document.getElementById("stay-signed-in");
  const text = document.getElementById("session-warning-text");
  if (!idle || !notice || !button) {
    return;
  }
  let timer = null;
  let ending = null;
  function schedule(seconds) {
    clearTimeout(timer);
    clearTimeout(ending);
    notice.hidden = true;
    timer = setTimeout(() => {
      notice.hidden = false;
      button.focus();
    }, Math.max(seconds - warn, 0) * 1000);
    ending = setTimeout(() => {
      text.textContent = "You have been signed out for inactivity. What you type now is kept: sign in again to save it.";
      button.hidden = true;
    }, seconds * 1000);
  }
  button.addEventListener("click", async () => {
    const form = new FormData();
    form.set("csrf_token", body.dataset.csrf);
    try {
      const response = await fetch(body.dataset.keepAlive, {
        method: "POST",
        body: form,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const answer = response.ok ? await response.json().catch(() => null) : null;
      if (answer && answer.idle_seconds) {
        schedule(answer.idle_seconds);
        return;
      }
    } catch (error) {
      // fall through: the session could not be extended
    }
    text.textContent = "Your session has ended. Sign in again; what you typed will be kept.";
    button.hidden = true;
  });
  schedule(idle);
})();

// A form held after the session ended (clinic/auth/held.py), filled back in for the user to check
// and send again. It is never sent by itself.
(() => {
  const data = document.getElementById("held-form");
  if (!data) {
    return;
  }
  const held = JSON.parse(data.textContent);
  const path = (url) => new URL(url, window.location.href).pathname;
  const forms = Array.from(document.querySelectorAll("form[method='post'], form[method='POST']"));
  const form =
    forms.find((each) => path(each.action) === held.action) ||
    forms.find((each) =>
      Array.from(each.querySelectorAll("[formaction]")).some((b) => path(b.formAction) === held.action)
    ) ||
    forms.find((each) => held.entries.some(([name]) => each.elements.namedItem(name)));
  if (!form) {
    return;
  }
  const values = new Map();
  held.entries.forEach(([name, value]) => {
    if (!values.has(name)) {
      values.set(name, []);
    }
    values.get(name).push(value);
  });
  values.forEach((list, name) => {
    form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((field, index) => {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = list.includes(field.value);
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.from(field.options).forEach((option) => {
          option.selected = list.includes(option.value);
        });
      } else if (field.type !== "submit" && field.name !== "csrf_token") {
        field.value = list[Math.min(index, list.length - 1)];
      }
    });
  });
  form.classList.add("held-form-restored");
})();

// A form sent back with problems: its summary (data-focus-on-load) takes the focus, so that a
// keyboard or screen reader user starts from the list of what to fix, each linked to its field.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) {
    summary.focus();
  }
});
