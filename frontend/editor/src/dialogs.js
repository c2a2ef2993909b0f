// Small modal dialogs (native <dialog>: focus is trapped and Escape closes) for a link, a
// link card and a link to another story. A story link is stored as [text](article:ID): the
// site resolves it to the story's current address whenever either story is saved, so a
// later slug change never breaks it.
function dialog(title, build) {
  const element = document.createElement("dialog");
  element.className = "visual-editor__dialog";
  const id = "visual-dialog-" + Math.random().toString(36).slice(2, 8);
  element.setAttribute("aria-labelledby", id);
  const form = document.createElement("form");
  form.method = "dialog";
  form.className = "form";
  const heading = document.createElement("h2");
  heading.id = id;
  heading.textContent = title;
  form.appendChild(heading);
  element.appendChild(form);
  build(form, element);
  document.body.appendChild(element);
  element.addEventListener("close", () => element.remove());
  element.showModal();
  return element;
}

function input(form, labelText, type, value) {
  const id = "visual-input-" + Math.random().toString(36).slice(2, 8);
  const field = document.createElement("div");
  field.className = "field";
  const label = document.createElement("label");
  label.className = "field__label";
  label.htmlFor = id;
  label.textContent = labelText;
  const control = document.createElement("input");
  control.className = "field__input";
  control.id = id;
  control.type = type;
  control.value = value || "";
  field.append(label, control);
  form.appendChild(field);
  return control;
}

function buttons(form, list) {
  const row = document.createElement("div");
  row.className = "actions";
  for (const [text, value, primary] of list) {
    const button = document.createElement("button");
    button.className = "button" + (primary ? " button--primary" : " button--ghost");
    button.value = value;
    button.textContent = text;
    if (value === "cancel") button.formNoValidate = true;
    row.appendChild(button);
  }
  form.appendChild(row);
}

function error(form) {
  const message = document.createElement("p");
  message.className = "field__error";
  message.setAttribute("role", "alert");
  message.hidden = true;
  form.appendChild(message);
  return (text) => { message.textContent = text; message.hidden = !text; };
}

function setLink(view, href, text) {
  const { schema } = view.state;
  const { from, to, empty } = view.state.selection;
  const mark = schema.marks.link.create({ href });
  let tr = view.state.tr;
  if (empty) tr = tr.insert(from, schema.text(text || href, [mark]));
  else tr = tr.removeMark(from, to, schema.marks.link).addMark(from, to, mark);
  view.dispatch(tr.scrollIntoView());
  view.focus();
}

export function askForLink(view, schema, options = {}) {
  const { from, to, empty, $from } = view.state.selection;
  const current = schema.marks.link.isInSet($from.marks());
  const title = options.card ? "Add a link card" : "Add a link";
  dialog(title, (form, element) => {
    const address = input(form, options.card ? "Address of the YouTube, Vimeo, X or LinkedIn post" : "Address (https://…)",
      "url", current && !options.card ? current.attrs.href : "");
    address.required = true;
    const text = !options.card && empty ? input(form, "Text to show", "text", "") : null;
    const showError = error(form);
    buttons(form, [[options.card ? "Add card" : "Add link", "add", true], ...(current && !options.card ? [["Remove link", "remove"]] : []), ["Cancel", "cancel"]]);
    form.addEventListener("submit", (event) => {
      const pressed = event.submitter && event.submitter.value;
      if (pressed !== "add") return;
      const href = address.value.trim();
      if (!/^(https?:\/\/\S+|mailto:\S+|\/\S*)$/i.test(href)) {
        event.preventDefault();
        showError("Write a full address, starting with https://");
        address.focus();
      }
    });
    element.addEventListener("close", () => {
      if (element.returnValue === "remove") {
        view.dispatch(view.state.tr.removeMark(empty ? $from.start() : from, empty ? $from.end() : to, schema.marks.link));
      } else if (element.returnValue === "add") {
        const href = address.value.trim();
        if (options.insert) options.insert(href);
        else setLink(view, href, text && text.value.trim());
      }
      view.focus();
    });
  });
}

export function askForStory(view, schema, searchUrl) {
  dialog("Link to a story", (form, element) => {
    const query = input(form, "Search published stories by title or words", "search", view.state.doc.textBetween(view.state.selection.from, view.state.selection.to));
    const status = document.createElement("p");
    status.className = "muted";
    status.setAttribute("role", "status");
    const results = document.createElement("ul");
    results.className = "visual-editor__results";
    form.append(status, results);
    buttons(form, [["Cancel", "cancel"]]);
    let timer = null;
    let chosen = null;
    const search = () => {
      const words = query.value.trim();
      if (words.length < 2) { results.textContent = ""; status.textContent = "Type at least two letters."; return; }
      fetch(searchUrl + "?q=" + encodeURIComponent(words), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => response.json())
        .then((answer) => {
          results.textContent = "";
          status.textContent = answer.stories.length ? `${answer.stories.length} found` : "No published story matches.";
          for (const story of answer.stories) {
            const item = document.createElement("li");
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button button--small button--ghost visual-editor__result";
            button.textContent = story.title;
            button.addEventListener("click", () => { chosen = story; element.close("choose"); });
            item.appendChild(button);
            results.appendChild(item);
          }
        })
        .catch(() => { status.textContent = "Search did not answer; try again."; });
    };
    query.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 250); });
    query.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); search(); }
      if (event.key === "ArrowDown" && results.querySelector("button")) { event.preventDefault(); results.querySelector("button").focus(); }
    });
    results.addEventListener("keydown", (event) => {
      const all = [...results.querySelectorAll("button")];
      const index = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const next = index + (event.key === "ArrowDown" ? 1 : -1);
        (next < 0 ? query : all[Math.min(next, all.length - 1)]).focus();
      }
    });
    if (query.value.trim().length >= 2) search();
    element.addEventListener("close", () => {
      if (chosen) setLink(view, "article:" + chosen.id, chosen.title);
      else view.focus();
    });
  });
}
