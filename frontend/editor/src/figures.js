// Images in the visual mode. A picked, dropped or pasted file waits in the story as a figure
// that asks for its alt text (required) and caption in place; "Add to the story" uploads it
// through the editor's upload endpoint (our media pipeline: sizes, metadata stripped) and
// the figure becomes a library image, ![alt](image:ID "caption") in the Markdown.
let counter = 0;

function csrfToken(form) {
  return form && form.elements.csrf_token ? form.elements.csrf_token.value : "";
}

export class Uploads {
  constructor(data, say) {
    this.url = data.imageUrl;
    this.say = say;
    this.files = new Map();
    this.view = null;
    try { this.sources = JSON.parse(data.imageSources || "{}"); } catch (error) { this.sources = {}; }
  }

  choose(view) {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "image/jpeg,image/png,image/webp,image/gif";
    input.multiple = true;
    input.addEventListener("change", () => this.insertPending(view, [...input.files], null));
    input.click();
  }

  images(list) {
    return [...(list || [])].filter((file) => /^image\//.test(file.type));
  }

  pasteFiles(view, event) {
    const clipboard = event.clipboardData;
    const files = this.images(clipboard && clipboard.files);
    if (!files.length || clipboard.getData("text/html")) return false;
    this.insertPending(view, files, null);
    return true;
  }

  dropFiles(view, event) {
    const files = this.images(event.dataTransfer && event.dataTransfer.files);
    if (!files.length) return false;
    event.preventDefault();
    const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
    this.insertPending(view, files, at ? at.pos : null);
    return true;
  }

  insertPending(view, files, pos) {
    let tr = view.state.tr;
    if (pos !== null) tr = tr.setSelection(view.state.selection.constructor.near(tr.doc.resolve(pos)));
    for (const file of files) {
      const token = "file:" + (++counter);
      this.files.set(token, file);
      tr = tr.replaceSelectionWith(view.state.schema.nodes.story_image.create({ upload: token }));
    }
    view.dispatch(tr.scrollIntoView());
    this.say(files.length === 1
      ? "Describe the image in its alt text, then press “Add to the story”."
      : "Describe each image in its alt text, then press “Add to the story” on each.");
  }

  preview(node) {
    if (node.attrs.id) return this.sources[node.attrs.id] || null;
    const upload = node.attrs.upload || "";
    if (upload.startsWith("data:")) return upload;
    const file = this.files.get(upload);
    if (!file) return null;
    if (!file.previewUrl) file.previewUrl = URL.createObjectURL(file);
    return file.previewUrl;
  }

  blob(node) {
    const upload = node.attrs.upload || "";
    if (upload.startsWith("data:")) return fetch(upload).then((response) => response.blob());
    return Promise.resolve(this.files.get(upload));
  }

  upload(view, getPos, node, alt, caption) {
    return this.blob(node).then((blob) => {
      if (!blob) throw new Error("The file is gone; drop it into the story again.");
      const payload = new FormData();
      payload.append("image", blob, blob.name || "pasted-image." + (blob.type.split("/")[1] || "png"));
      payload.append("alt_text", alt);
      payload.append("caption", caption);
      return fetch(this.url, {
        method: "POST", body: payload, credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": csrfToken(view.dom.closest("form")), "Accept": "application/json" },
      });
    }).then((response) => {
      if (response.type === "opaqueredirect" || response.status === 401) {
        throw new Error("Your session ended: press Save to log in again, then add the image.");
      }
      return response.json().then((answer) => {
        if (answer.csrf_token) {
          view.dom.closest("form").elements.csrf_token.value = answer.csrf_token;
          throw new Error("The page was open a long time; press “Add to the story” again.");
        }
        if (!response.ok) throw new Error(answer.error || "The image was refused.");
        this.sources[answer.id] = answer.src;
        const pos = getPos();
        view.dispatch(view.state.tr.setNodeMarkup(pos, null, { id: answer.id, alt: answer.alt, caption, upload: null }));
        this.say("Image added to the library and the story.");
      });
    });
  }
}

function labelled(kind, labelText, value, hint) {
  const id = "figure-" + kind + "-" + (++counter);
  const wrap = document.createElement("div");
  wrap.className = "visual-figure__field";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = labelText;
  const input = document.createElement("input");
  input.id = id;
  input.className = "field__input";
  input.value = value || "";
  input.maxLength = 300;
  if (hint) input.placeholder = hint;
  wrap.append(label, input);
  return { wrap, input };
}

export class FigureView {
  constructor(node, view, getPos, uploads) {
    this.node = node;
    this.view = view;
    this.getPos = getPos;
    this.uploads = uploads;
    const dom = this.dom = document.createElement("figure");
    dom.className = "visual-figure";
    dom.contentEditable = "false";
    dom.setAttribute("role", "group");
    dom.setAttribute("aria-label", node.attrs.id ? "Image in the story" : "New image, not added yet");
    this.picture = document.createElement("div");
    this.picture.className = "visual-figure__picture";
    const alt = labelled("alt", "Alt text (required)", node.attrs.alt, "What the picture shows");
    const caption = labelled("caption", "Caption", node.attrs.caption, "Optional");
    this.alt = alt.input;
    this.caption = caption.input;
    this.alt.required = true;
    this.error = document.createElement("p");
    this.error.className = "field__error";
    this.error.setAttribute("role", "alert");
    this.error.hidden = true;
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "button button--small" + (node.attrs.id ? " button--ghost" : " button--primary");
    this.button.textContent = node.attrs.id ? "Remove image" : "Add to the story";
    dom.append(this.picture, alt.wrap, caption.wrap, this.error, this.button);
    this.showPicture();
    this.button.addEventListener("click", () => (this.node.attrs.id ? this.remove() : this.add()));
    this.alt.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); if (!this.node.attrs.id) this.add(); }
    });
    for (const input of [this.alt, this.caption]) input.addEventListener("input", () => this.edited());
    if (!node.attrs.id) setTimeout(() => this.alt.focus(), 0);
  }

  showPicture() {
    const src = this.uploads.preview(this.node);
    this.picture.textContent = "";
    if (src) {
      const img = document.createElement("img");
      img.src = src;
      img.alt = "";
      this.picture.appendChild(img);
    } else {
      this.picture.textContent = "Library image " + this.node.attrs.id;
    }
  }

  edited() {
    if (!this.node.attrs.id) return;  // a waiting upload keeps its text in the inputs
    const missing = !this.alt.value.trim();
    this.showError(missing ? "Alt text is required: describe the picture for screen readers." : "");
    const attrs = { ...this.node.attrs, alt: this.alt.value, caption: this.caption.value };
    this.view.dispatch(this.view.state.tr.setNodeMarkup(this.getPos(), null, attrs));
  }

  add() {
    if (!this.alt.value.trim()) {
      this.showError("Describe the image in its alt text first; screen readers read it aloud.");
      this.alt.focus();
      return;
    }
    this.showError("");
    this.button.disabled = true;
    this.button.textContent = "Uploading…";
    this.uploads.upload(this.view, this.getPos, this.node, this.alt.value, this.caption.value)
      .catch((error) => {
        this.showError(error.message || "The upload did not reach the server; try again.");
        this.button.disabled = false;
        this.button.textContent = "Add to the story";
      });
  }

  remove() {
    const pos = this.getPos();
    this.view.dispatch(this.view.state.tr.delete(pos, pos + this.node.nodeSize));
    this.view.focus();
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
    this.alt.setAttribute("aria-invalid", message ? "true" : "false");
  }

  update(node) {
    if (node.type !== this.node.type) return false;
    const becameLibraryImage = !this.node.attrs.id && node.attrs.id;
    this.node = node;
    if (becameLibraryImage) {
      this.button.className = "button button--small button--ghost";
      this.button.textContent = "Remove image";
      this.button.disabled = false;
      this.dom.setAttribute("aria-label", "Image in the story");
      this.showPicture();
    }
    if (document.activeElement !== this.alt) this.alt.value = node.attrs.alt;
    if (document.activeElement !== this.caption) this.caption.value = node.attrs.caption;
    return true;
  }

  stopEvent(event) {
    return this.dom.contains(event.target) && event.target !== this.dom && !/^drag/.test(event.type);
  }

  ignoreMutation() {
    return true;
  }
}
