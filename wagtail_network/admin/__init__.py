"""The plugin's Wagtail admin, one module per aggregate.

``wagtail_network/wagtail_hooks.py`` registers everything here with Wagtail; this
package holds the screens and rules they use:

* :mod:`.policies`: the permission policies Wagtail asks who may do what;
* :mod:`.listings`: policy-scoped listings, exports and single-object views;
* :mod:`.actions`: the bases of admin actions that call the service layer;
* :mod:`.vocabulary`: skills and industries, and merging duplicates;
* :mod:`.moderation`: endorsements, recommendations, reports and the queue;
* :mod:`.relations`: connections, follows, blocks, company relationships, positions;
* :mod:`.company_admins`: granting and revoking company-admin rights;
* :mod:`.dashboard`: the network panel on the admin home page;
* :mod:`.importing`: CSV import of companies and members;
* :mod:`.privacy`: editors' export and erasure of a member;
* :mod:`.menu`: the "Network" menu and the bulk actions it registers.

Every write made from these screens goes through :mod:`wagtail_network.services`
(or :mod:`wagtail_network.privacy`), which checks permissions, validates, runs in a
transaction and writes the audit-log entry.

Nothing is imported here on purpose: Django's admin autodiscovery imports
``<app>.admin`` at start-up, before Wagtail may build its fallback permission
policies, and the policies must be registered first (see ``wagtail_hooks.py``).
"""
