"""A reader's own account pages: profile, data export, deletion. Everything else is allauth's."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from newsdesk.web.accounts.actions import delete_account, set_display_name, set_time_zone
from newsdesk.web.accounts.forms import DeleteAccountForm, ProfileForm
from newsdesk.web.accounts.lib import export_reader_data, profile_of


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            set_display_name(request.user, form.cleaned_data["display_name"])
            set_time_zone(request.user, form.cleaned_data["time_zone"])
            messages.success(request, "Your settings are saved.")
            return redirect("reader_profile")
    else:
        reader = profile_of(request.user)
        form = ProfileForm(initial={"display_name": reader.display_name, "time_zone": reader.time_zone})
    return render(request, "newsdesk/accounts/profile.html", {"form": form})


@never_cache
@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = json.dumps(
        export_reader_data(request.user, request.build_absolute_uri),
        cls=DjangoJSONEncoder,
        indent=2,
        ensure_ascii=False,
    )
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsdesk-my-data.json"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, "Your account is deleted.")
        return redirect("home")
    return render(request, "newsdesk/accounts/delete.html", {"form": form})
