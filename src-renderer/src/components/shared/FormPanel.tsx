import type { ReactNode, Ref } from 'react';

/**
 * A titled form in a panel that checks its own fields (`noValidate`: errors show under each
 * field, in the product's words) and submits without a page load. The title names it for
 * assistive technology too.
 */
export function FormPanel({
  title,
  className,
  onSubmit,
  formRef,
  children,
}: {
  title: string;
  /** Classes beside `form-panel`. */
  className?: string;
  onSubmit(): Promise<void> | void;
  formRef?: Ref<HTMLFormElement>;
  children: ReactNode;
}) {
  return (
    <form
      ref={formRef}
      className={className ? `form-panel ${className}` : 'form-panel'}
      aria-label={title}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      <h2>{title}</h2>
      {children}
    </form>
  );
}

/**
 * A form's foot: what went wrong with the form as a whole (not with one field: those show under
 * their field), then its submit button and any others beside it.
 */
export function FormActions({
  error,
  busy,
  submit,
  children,
}: {
  error?: string | undefined;
  busy: boolean;
  /** The submit button's words. */
  submit: string;
  children?: ReactNode;
}) {
  return (
    <>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {submit}
        </button>
        {children}
      </div>
    </>
  );
}
