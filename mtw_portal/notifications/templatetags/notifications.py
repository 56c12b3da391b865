from django import template

from mtw_portal.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notifications_link(context):
    """The navbar's link to the inbox, with the unread count (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"count": unread_count(user=user) if user is not None else 0}
