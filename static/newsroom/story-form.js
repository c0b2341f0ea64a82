// The story form's safety net and counts (articles/admin.py, ArticleAdmin.Media).
//
// Drafts: while a story is edited, its fields are kept in this browser
// (localStorage, one entry per story and user, named by the body's
// data-draft-key). Reopening the story offers them back. A save that the
// server confirms (the admin's success message) clears the entry; a save that
// did not go through (the sign-in had expired: the admin asked for it and came
// back to the form) puts the text back by itself.
//
// Counts: fields with data-limit show their length against it.

const SUBMITTED = "newsroom:story-submitted"
const SKIPPED = new Set(["file", "hidden", "submit", "button", "reset", "image", "password"])

const keptFields = (form) =>
  Array.from(form.elements).filter(
    (field) => field.name && !SKIPPED.has(field.type) && field.name !== "csrfmiddlewaretoken",
  )

function readForm(form) {
  const values = {}
  for (const field of keptFields(form)) {
    if (field.type === "checkbox" || field.type === "radio") {
      if (field.checked) (values[field.name] ||= []).push(field.value)
      else values[field.name] ||= []
    } else if (field.type === "select-multiple") {
      values[field.name] = Array.from(field.selectedOptions, (option) => option.value)
    } else {
      values[field.name] = field.value
    }
  }
  return values
}

function writeForm(form, values) {
  for (const field of keptFields(form)) {
    if (!(field.name in values)) continue
    const value = values[field.name]
    if (field.type === "checkbox" || field.type === "radio") field.checked = value.includes(field.value)
    else if (field.type === "select-multiple") restoreChoices(field, value)
    else field.value = value
    field.dispatchEvent(new Event("input", { bubbles: true }))
    field.dispatchEvent(new CustomEvent("story:restored"))
  }
}

// A multiple choice (the tags): options typed as new tags are put back too.
function restoreChoices(select, chosen) {
  for (const value of chosen) {
    if (!Array.from(select.options).some((option) => option.value === value)) {
      select.append(new Option(value, value))
    }
  }
  for (const option of select.options) option.selected = chosen.includes(option.value)
  select.dispatchEvent(new Event("change", { bubbles: true }))
}

const sameValues = (a, b) => JSON.stringify(a) === JSON.stringify(b)

function notice(form, text, actions = []) {
  const box = document.createElement("div")
  box.className = "story-draft"
  box.setAttribute("role", "status")
  box.append(Object.assign(document.createElement("p"), { textContent: text }))
  for (const [label, action] of actions) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: label })
    button.addEventListener("click", () => {
      action()
      box.remove()
    })
    box.append(button)
  }
  form.prepend(box)
  return box
}

function keepDrafts(form, key) {
  const stored = localStorage.getItem(key)
  const draft = stored ? JSON.parse(stored) : null
  const submitted = sessionStorage.getItem(SUBMITTED) === key
  sessionStorage.removeItem(SUBMITTED)
  const serverSaw = document.querySelector(".errornote") !== null // the form came back with the text sent

  if (draft && !serverSaw && !sameValues(draft.values, readForm(form))) {
    const when = new Date(draft.savedAt).toLocaleString()
    if (submitted) {
      writeForm(form, draft.values)
      notice(
        form,
        `Your last save did not go through (the sign-in had expired). What you typed (${when}) ` +
          "is back in the form: check it and save again.",
      )
    } else {
      notice(form, `This browser kept changes to this story that were not saved (${when}).`, [
        ["Restore them", () => writeForm(form, draft.values)],
        ["Discard them", () => localStorage.removeItem(key)],
      ])
    }
  }

  let timer = null
  const keep = () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), values: readForm(form) }))
    }, 300)
  }
  form.addEventListener("input", keep)
  form.addEventListener("change", keep)
  form.addEventListener("submit", () => {
    clearTimeout(timer)
    localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), values: readForm(form) }))
    sessionStorage.setItem(SUBMITTED, key)
  })
}

function clearSavedDraft() {
  // Any admin page after a save: the admin's success message means the story was saved.
  const key = sessionStorage.getItem(SUBMITTED)
  if (key && document.querySelector("ul.messagelist li.success")) {
    localStorage.removeItem(key)
    sessionStorage.removeItem(SUBMITTED)
  }
}

// Under the field, where the admin puts help text (not beside it in the row).
const belowField = (field) => field.closest(".flex-container") || field

function showLength(field) {
  const limit = Number(field.dataset.limit)
  const count = document.createElement("div")
  count.className = "story-counter help"
  count.setAttribute("aria-live", "polite")
  belowField(field).after(count)
  const update = () => {
    const length = Array.from(field.value).length
    count.textContent = `${length} / ${limit} characters`
    count.classList.toggle("over-limit", length > limit)
    if (length > limit) count.textContent += ` (${length - limit} over: shorten it before saving)`
  }
  field.addEventListener("input", update)
  update()
}

clearSavedDraft()
const body = document.querySelector("textarea[data-draft-key]")
if (body && body.form) keepDrafts(body.form, body.dataset.draftKey)
document.querySelectorAll("[data-limit]").forEach(showLength)
