// The toolbar: the Visual/Markdown switch, then one button per command. It is one stop for
// Tab (a roving tabindex); ←/→, Home and End move between its buttons.
export class Toolbar {
  constructor(commands, getView, setMode) {
    this.element = document.createElement("div");
    this.element.className = "visual-editor__toolbar";
    this.element.setAttribute("role", "toolbar");
    this.element.setAttribute("aria-label", "Story formatting");
    this.modes = {};
    for (const [mode, label] of [["visual", "Visual"], ["markdown", "Markdown"]]) {
      const button = this.button(label, "visual-editor__mode");
      button.addEventListener("click", () => setMode(mode, true));
      this.modes[mode] = button;
    }
    this.separator = document.createElement("span");
    this.separator.className = "visual-editor__separator";
    this.element.appendChild(this.separator);
    this.commands = commands.filter((command) => command.name !== "paragraph" && command.name !== "subheading");
    this.buttons = this.commands.map((command) => {
      const button = this.button(command.toolbarLabel || command.label);
      button.dataset.command = command.name;
      if (command.mark) button.setAttribute("aria-pressed", "false");
      button.addEventListener("mousedown", (event) => event.preventDefault());  // keep the selection
      button.addEventListener("click", () => command.run(getView()));
      return button;
    });
    this.hint = document.createElement("span");
    this.hint.className = "visual-editor__hint";
    this.hint.textContent = "Type / for more";
    this.element.appendChild(this.hint);
    this.element.addEventListener("keydown", (event) => this.move(event));
    this.element.addEventListener("focusin", (event) => this.rove(event.target));
  }

  button(text, className) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small button--ghost " + (className || "visual-editor__button");
    button.textContent = text;
    button.tabIndex = -1;
    this.element.appendChild(button);
    return button;
  }

  visible() {
    return [...this.element.querySelectorAll("button")].filter((button) => !button.hidden);
  }

  rove(target) {
    this.visible().forEach((button) => { button.tabIndex = button === target ? 0 : -1; });
  }

  move(event) {
    const buttons = this.visible();
    const index = buttons.indexOf(document.activeElement);
    if (index < 0) return;
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const button = buttons[(next + buttons.length) % buttons.length];
    button.focus();
  }

  setMode(mode) {
    for (const [name, button] of Object.entries(this.modes)) button.setAttribute("aria-pressed", String(name === mode));
    for (const button of this.buttons) button.hidden = mode !== "visual";
    this.separator.hidden = this.hint.hidden = mode !== "visual";
    const focused = this.visible().find((button) => button.tabIndex === 0);
    if (!focused) this.rove(this.modes[mode]);
  }

  update(view) {
    const { from, $from, to, empty } = view.state.selection;
    this.commands.forEach((command, index) => {
      if (!command.mark) return;
      const type = view.state.schema.marks[command.mark];
      const active = empty ? !!type.isInSet(view.state.storedMarks || $from.marks())
        : view.state.doc.rangeHasMark(from, to, type);
      this.buttons[index].setAttribute("aria-pressed", String(active));
    });
  }
}
