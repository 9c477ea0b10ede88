// @vitest-environment happy-dom
/**
 * The "Reproduce in Python" disclosure: closed until asked, and only then
 * does it load the generator and write the code, into a focusable, labelled
 * <pre> that follows the figure's state while open; Copy puts exactly that
 * code on the clipboard, and where there is no clipboard it selects the code
 * and says how to copy. The Figure frame offers it only while the figure is
 * ready, one box per labelled part.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Figure from '../../src/components/kit/Figure';
import { PythonSnippet } from '../../src/components/kit/PythonSnippet';
import { pythonSnippet, type SnippetState } from '../../src/lib/python-snippet';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const state: SnippetState = {
  kind: 'predictions',
  model: 'attn-only-2l',
  prompt: 'say "hi"\n',
  pos: 2,
  k: 5,
};
const code = pythonSnippet(state);

/** Opens the disclosure (as a click on its summary does) and waits for the code. */
async function open(details: HTMLElement, expected = code) {
  (details as HTMLDetailsElement).open = true;
  fireEvent(details, new Event('toggle'));
  await waitFor(() =>
    expect(details.querySelector('[data-testid="python-code"]')?.textContent).toBe(expected),
  );
}

describe('the Python snippet disclosure', () => {
  it('is closed at first, writes no code until opened, then shows it in a labelled, focusable pre', async () => {
    const { getByTestId, getByText } = render(<PythonSnippet state={state} />);
    const details = getByTestId('python-snippet') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(getByText('Reproduce in Python').tagName).toBe('SUMMARY');
    const pre = getByTestId('python-code');
    expect(pre.textContent).not.toContain('import torch');
    await open(details);
    expect(pre.getAttribute('tabindex')).toBe('0');
    expect(document.getElementById(pre.getAttribute('aria-labelledby')!)?.textContent).toMatch(
      /TransformerLens/,
    );
  });

  it('follows the state while open', async () => {
    const { getByTestId, rerender } = render(<PythonSnippet state={state} />);
    await open(getByTestId('python-snippet'));
    const next: SnippetState = { ...state, prompt: 'another "prompt"' };
    rerender(<PythonSnippet state={next} />);
    await waitFor(() => expect(getByTestId('python-code').textContent).toBe(pythonSnippet(next)));
  });

  it('Copy writes exactly the code and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { getByRole, getByTestId } = render(<PythonSnippet state={state} />);
    await open(getByTestId('python-snippet'));
    fireEvent.click(getByRole('button', { name: 'Copy the Python code' }));
    await waitFor(() => expect(getByRole('status').textContent).toBe('Copied.'));
    expect(writeText).toHaveBeenCalledWith(code);
  });

  it('without a clipboard, Copy selects the code and says how to copy it', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    const { getByRole, getByTestId } = render(<PythonSnippet state={state} />);
    await open(getByTestId('python-snippet'));
    fireEvent.click(getByRole('button', { name: 'Copy the Python code' }));
    await waitFor(() => expect(getByRole('status').textContent).toMatch(/^Selected/));
    expect(getSelection()?.toString()).toBe(code);
  });

  it('the Figure frame offers it when ready and not while loading', async () => {
    const { queryByTestId, getByTestId, rerender } = render(
      <Figure name="x" title="X" status={{ kind: 'loading', what: 'a model' }} python={state} />,
    );
    expect(queryByTestId('python-snippet')).toBeNull();
    rerender(<Figure name="x" title="X" python={state} />);
    await open(getByTestId('python-snippet'));
    rerender(<Figure name="x" title="X" />);
    expect(queryByTestId('python-snippet')).toBeNull();
  });

  it('a figure with two computations offers one labelled snippet each', async () => {
    const other: SnippetState = { kind: 'tokens', text: 'two' };
    const { getAllByTestId, getByText, getByRole } = render(
      <Figure
        name="x"
        title="X"
        python={[
          { label: 'on your text', state },
          { label: 'on random tokens', state: other },
        ]}
      />,
    );
    const [a, b] = getAllByTestId('python-snippet');
    await open(a);
    await open(b, pythonSnippet(other));
    expect(getByText('Reproduce in Python: on random tokens').tagName).toBe('SUMMARY');
    expect(getByRole('button', { name: 'Copy the Python code on your text' })).toBeTruthy();
  });
});
