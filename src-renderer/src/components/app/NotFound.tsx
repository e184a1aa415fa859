import type { Missing } from '../../store/nav.ts';
import { RouteLink } from '../shared/RouteLink.tsx';

/** What an address named and Baton could not find, in the screen's place, with where to go instead. */
export function NotFound({ missing }: { missing: Missing }) {
  return (
    <div className="page">
      <section className="empty not-found" aria-labelledby="not-found-title">
        <h1 id="not-found-title">{missing.title}</h1>
        <p className="muted">{missing.detail}</p>
        <p className="not-found-links">
          <RouteLink to={missing.back.route} className="primary-link">
            {missing.back.label}
          </RouteLink>
          {missing.back.route.screen !== 'plans' && (
            <RouteLink to={{ screen: 'plans' }}>Go to Plans</RouteLink>
          )}
        </p>
      </section>
    </div>
  );
}
