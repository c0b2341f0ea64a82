// The story body's rich-text editor (articles/editor.py): django-prose-editor's
// extensions, configured by the textarea's data-story-editor attribute, plus
// the story's photos as blocks between paragraphs. The textarea keeps the HTML
// the form sends; the server cleans it again (articles/richtext.py).

const WORD = /[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+/g

// Chinese is counted by characters, other languages by words.
export const countWords = (text) => (text.match(WORD) || []).length

function storyPhoto(E, photos) {
  const byId = new Map(photos.map((photo) => [String(photo.id), photo]))
  return E.Node.create({
    name: "storyPhoto",
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,
    addAttributes: () => ({
      photo: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-photo"),
        renderHTML: (attributes) => ({ "data-photo": attributes.photo }),
      },
    }),
    parseHTML: () => [{ tag: "figure[data-photo]" }],
    renderHTML: ({ HTMLAttributes }) => ["figure", HTMLAttributes],
    addNodeView: () => ({ node }) => {
      const photo = byId.get(String(node.attrs.photo))
      const dom = E.crel("figure", { className: "story-editor__photo", contentEditable: "false" })
      if (photo) {
        dom.append(
          E.crel("img", { src: photo.url, alt: photo.alt }),
          E.crel("figcaption", {
            textContent: [photo.caption, photo.credit && `[${photo.credit}]`].filter(Boolean).join(" "),
          }),
        )
      } else {
        const gone = E.gettext("A photo that is no longer the story's: it will be left out.")
        dom.append(E.crel("figcaption", { textContent: gone }))
      }
      return { dom }
    },
    addMenuItems: ({ menu, buttons }) => {
      menu.defineItem({
        name: "storyPhoto",
        groups: "nodes",
        button: buttons.material("add_photo_alternate", E.gettext("Place a photo here")),
        enabled: () => photos.length > 0,
        command: (editor) => {
          const labels = photos.map((photo) => `${photo.id}: ${photo.label}`)
          E.updateAttrsDialog(
            { photo: { title: E.gettext("Photo"), enum: labels, default: labels[0] } },
            { title: E.gettext("Place a photo"), submitText: E.gettext("Place") },
          )(editor, {}).then((chosen) => {
            if (!chosen) return
            const id = chosen.photo.split(":")[0]
            editor.chain().focus().insertContent({ type: "storyPhoto", attrs: { photo: id } }).run()
          })
        },
      })
    },
  })
}

async function createEditor(textarea) {
  const config = JSON.parse(textarea.dataset.storyEditor)
  const E = await import(config.editorModule)
  const extensions = Object.entries(config.extensions)
    .filter(([name]) => E[name])
    .map(([name, options]) => (typeof options === "object" ? E[name].configure(options) : E[name]))
  extensions.push(storyPhoto(E, config.photos))

  const element = E.crel("div", { className: "prose-editor story-editor" })
  textarea.before(element)
  element.append(textarea)
  const count = E.crel("div", { className: "story-counter help" })
  // Under the editor, where the admin puts help text.
  ;(element.closest(".flex-container") || element).after(count)
  const showCount = (editor) => {
    const words = countWords(editor.getText({ blockSeparator: "\n" }))
    count.textContent = `${words} ${words === 1 ? "word" : "words"}`
  }

  const editor = new E.Editor({
    element,
    extensions,
    content: textarea.value,
    // Tiptap would add its styles in a <style> element, which the CSP refuses;
    // they are in story-editor.css instead.
    injectCSS: false,
    onCreate: ({ editor }) => showCount(editor),
    onUpdate({ editor }) {
      textarea.value = editor.isEmpty ? "" : editor.getHTML()
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
      showCount(editor)
    },
  })
  // story-form.js puts a kept draft back by replacing the textarea's value.
  textarea.addEventListener("story:restored", () => {
    editor.commands.setContent(textarea.value, { emitUpdate: true })
  })
  textarea.classList.add("story-editor__source")
  element.dataset.ready = "true"
  return editor
}

for (const textarea of document.querySelectorAll("textarea[data-story-editor]")) {
  createEditor(textarea).catch((error) => {
    // Without the editor the textarea still takes the body as HTML or plain text.
    console.error("The story editor could not start:", error)
  })
}
