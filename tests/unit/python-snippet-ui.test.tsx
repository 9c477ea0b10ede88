// @vitest-environment happy-dom
/**
 * The "Reproduce in Python" disclosure: closed until asked, the code in a
 * focusable, labelled <pre>, Copy puts exactly that code on the clipboard,
 * and where there is no clipboard it selects the code and says how to copy.
 * The Figure frame offers it only while the figure is ready.
 */
import { cleanup, fireEvent, render, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Figure from '../../src/components/kit/Figure';
import { PythonSnippet } from '../../src/components/kit/PythonSnippet';
import { pythonSnippet } from '../../src/lib/python-snippet';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const code = pythonSnippet({
  kind: 'predictions',
  model: 'attn-only-2l',
  prompt: 'say "hi"\n',
  pos: 2,
  k: 5,
});

describe('the Python snippet disclosure', () => {
  it('is closed at first and holds the code in a labelled, focusable pre', () => {
    const { getByTestId, getByText } = render(<PythonSnippet code={code} />);
    const details = getByTestId('python-snippet') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(getByText('Reproduce in Python').tagName).toBe('SUMMARY');
    const pre = getByTestId('python-code');
    expect(pre.textContent).toBe(code);
    expect(pre.getAttribute('tabindex')).toBe('0');
    expect(document.getElementById(pre.getAttribute('aria-labelledby')!)?.textContent).toMatch(
      /TransformerLens/,
    );
  });

  it('Copy writes exactly the code and says so', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { getByRole } = render(<PythonSnippet code={code} />);
    fireEvent.click(getByRole('button', { name: 'Copy the Python code' }));
    await waitFor(() => expect(getByRole('status').textContent).toBe('Copied.'));
    expect(writeText).toHaveBeenCalledWith(code);
  });

  it('without a clipboard, Copy selects the code and says how to copy it', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    const { getByRole } = render(<PythonSnippet code={code} />);
    fireEvent.click(getByRole('button', { name: 'Copy the Python code' }));
    await waitFor(() => expect(getByRole('status').textContent).toMatch(/^Selected/));
    expect(getSelection()?.toString()).toBe(code);
  });

  it('the Figure frame offers it when ready and not while loading', () => {
    const { queryByTestId, rerender } = render(
      <Figure name="x" title="X" status={{ kind: 'loading', what: 'a model' }} python={code} />,
    );
    expect(queryByTestId('python-snippet')).toBeNull();
    rerender(<Figure name="x" title="X" python={code} />);
    expect(queryByTestId('python-code')?.textContent).toBe(code);
    rerender(<Figure name="x" title="X" />);
    expect(queryByTestId('python-snippet')).toBeNull();
  });

  it('a figure with two computations offers one labelled snippet each', () => {
    const { getAllByTestId, getByText, getByRole } = render(
      <Figure
        name="x"
        title="X"
        python={[
          { label: 'on your text', code: 'print(1)\n' },
          { label: 'on random tokens', code: 'print(2)\n' },
        ]}
      />,
    );
    expect(getAllByTestId('python-code').map((p) => p.textContent)).toEqual([
      'print(1)\n',
      'print(2)\n',
    ]);
    expect(getByText('Reproduce in Python: on random tokens').tagName).toBe('SUMMARY');
    expect(getByRole('button', { name: 'Copy the Python code on your text' })).toBeTruthy();
  });
});
