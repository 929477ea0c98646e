// The multi-agency panel: a decision or action recorded without reloading the page.
//
// Without JavaScript, each form on a child's page posts as usual and the page comes back at
// the child's decisions and actions. With it, the same form is sent with fetch, with a
// header asking for only that part of the page (`_record.html`), which replaces the part on
// the page; the success message or the errors then take the focus. Anything unexpected
// (no answer, another page) falls back to posting the form as usual.

const HEADER = "X-Homeward-Fragment";
const PART = "panel-record";

function fallBack(form) {
  form.removeAttribute("data-panel-record");
  HTMLFormElement.prototype.submit.call(form);
}

async function send(form) {
  const body = new FormData(form);
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { [HEADER]: PART },
    });
  } catch {
    fallBack(form);
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (![200, 400].includes(response.status) || !type.startsWith("text/html")) {
    fallBack(form);
    return;
  }
  const html = await response.text();
  const fresh = new DOMParser().parseFromString(html, "text/html").getElementById(PART);
  const current = document.getElementById(PART);
  if (!fresh || !current) {
    fallBack(form);
    return;
  }
  current.replaceWith(document.adoptNode(fresh));
  const focus = fresh.querySelector("[data-panel-focus]");
  if (focus) {
    focus.focus();
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-panel-record")) {
    return;
  }
  event.preventDefault();
  const button = event.submitter;
  if (button) {
    button.disabled = true;
  }
  send(form).finally(() => {
    if (button) {
      button.disabled = false;
    }
  });
});
