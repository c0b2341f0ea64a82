"""Driving the story body's rich-text editor (static/newsroom/story-editor.js) like a journalist does."""

EDITOR = ".form-row.field-body .ProseMirror[contenteditable]"


def editor(page):
    """The body's editing area, once the editor has started."""
    page.locator(".story-editor[data-ready=true]").wait_for()
    return page.locator(EDITOR)


def type_paragraphs(page, paragraphs):
    """Click into the (empty) body and type paragraphs, Enter between them."""
    area = editor(page)
    area.click()
    for index, paragraph in enumerate(paragraphs):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def body_value(page):
    """What the form will send as the body: the hidden textarea the editor writes to."""
    return page.locator("#id_body").input_value()


def add_paragraph(page, text):
    """Type a new paragraph after the body's last one."""
    area = editor(page)
    area.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(text)
