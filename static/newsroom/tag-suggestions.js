'use strict';
// The story form's tag suggestions: existing tags that the headline and body mention,
// asked of the server (the tag admin's "suggest" view) when the text changes; one
// click adds a tag to the tag input (select2 follows its <select>'s change event).
{
    const DELAY_MS = 400;

    function setUp(box) {
        const select = document.getElementById(box.dataset.for);
        const form = select && select.form;
        if (!form) {
            return;
        }
        const headline = form.querySelector('[name=headline]');
        const body = form.querySelector('[name=body]');
        let timer = null;

        // A tagger sees the headline and body read-only: as text, not as fields.
        function textOf(field, name) {
            if (field) {
                return field.value;
            }
            const shown = form.querySelector('.field-' + name + ' .readonly');
            return shown ? shown.textContent : '';
        }

        function chosen() {
            return Array.from(select.selectedOptions, (option) => option.value);
        }

        function add(name) {
            let option = Array.from(select.options).find((o) => o.value.toLowerCase() === name.toLowerCase());
            if (!option) {
                option = new Option(name, name, true, true);
                select.append(option);
            }
            option.selected = true;
            select.dispatchEvent(new Event('change', {bubbles: true}));
        }

        function show(names) {
            box.querySelectorAll('button').forEach((button) => button.remove());
            for (const name of names) {
                const button = document.createElement('button');
                button.type = 'button';
                button.className = 'tag-suggestion';
                button.textContent = '+ ' + name;
                button.title = 'Add the tag “' + name + '”';
                button.addEventListener('click', () => {
                    add(name);
                    button.remove();
                    box.hidden = !box.querySelector('button');
                });
                box.append(button);
            }
            box.hidden = names.length === 0;
        }

        function ask() {
            const data = new FormData();
            data.append('headline', textOf(headline, 'headline'));
            data.append('body', textOf(body, 'body'));
            chosen().forEach((name) => data.append('tags', name));
            const token = form.querySelector('[name=csrfmiddlewaretoken]');
            fetch(box.dataset.url, {
                method: 'POST',
                body: data,
                credentials: 'same-origin',
                headers: {'X-CSRFToken': token ? token.value : ''},
            })
                .then((response) => (response.ok ? response.json() : {suggestions: []}))
                .then((answer) => show(answer.suggestions))
                .catch(() => show([]));
        }

        function later() {
            clearTimeout(timer);
            timer = setTimeout(ask, DELAY_MS);
        }

        [headline, body].forEach((field) => field && field.addEventListener('input', later));
        select.addEventListener('change', later);
        ask();
    }

    function start() {
        document.querySelectorAll('.tag-suggestions[data-url]').forEach(setUp);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
