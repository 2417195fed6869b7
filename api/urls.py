"""Routes of the versioned HTTP API (/api/v1/)."""

from django.urls import include, path

from . import (
    analytics,
    dealers,
    health,
    jobs_status,
    leads,
    notifications,
    photos,
    recommendations,
    saved_searches,
    tasks,
    tokens,
    vehicle_detail,
    vehicles,
    whatsapp_webhook,
)

urlpatterns = [
    path("health", health.HealthApi.as_view(), name="health"),
    # Accounts: API tokens.
    path("auth/tokens", tokens.TokenListApi.as_view(), name="api-tokens"),
    path("auth/tokens/<uuid:token_id>", tokens.TokenDetailApi.as_view(), name="api-token"),
    path("payments/", include("api.payments.urls")),
    path("vehicles/search", vehicles.VehicleSearchApi.as_view(), name="vehicle-search"),
    path("vehicles/suggest", vehicles.VehicleSuggestApi.as_view(), name="vehicle-suggest"),
    path("vehicles/<int:vehicle_id>", vehicle_detail.VehicleDetailApi.as_view(), name="vehicle-detail"),
    path("vehicles/<int:vehicle_id>/similar", vehicles.VehicleSimilarApi.as_view(), name="vehicle-similar"),
    path("vehicles/<int:vehicle_id>/views", vehicles.VehicleViewsApi.as_view(), name="vehicle-views"),
    path("dealers/<int:dealer_id>/inventory", dealers.DealerInventoryApi.as_view(), name="dealer-inventory"),
    path("dealers/<int:dealer_id>/vehicles", dealers.DealerVehicleListApi.as_view(), name="dealer-vehicles"),
    path(
        "dealers/<int:dealer_id>/vehicles/<int:vehicle_id>", dealers.DealerVehicleApi.as_view(), name="dealer-vehicle"
    ),
    path(
        "dealers/<int:dealer_id>/vehicles/<int:vehicle_id>/photos",
        photos.DealerVehiclePhotosApi.as_view(),
        name="dealer-vehicle-photos",
    ),
    path(
        "dealers/<int:dealer_id>/vehicles/<int:vehicle_id>/photos/order",
        photos.DealerVehiclePhotoOrderApi.as_view(),
        name="dealer-vehicle-photo-order",
    ),
    path(
        "dealers/<int:dealer_id>/vehicles/<int:vehicle_id>/photos/<int:photo_id>",
        photos.DealerVehiclePhotoApi.as_view(),
        name="dealer-vehicle-photo",
    ),
    path("leads/<int:lead_id>/score", leads.LeadScoreApi.as_view(), name="lead-score"),
    path("recommendations/clicks", recommendations.RecommendationClickApi.as_view(), name="recommendation-clicks"),
    path("analytics/prices", analytics.PriceStatisticsApi.as_view(), name="analytics-prices"),
    path("analytics/listings-over-time", analytics.ListingsOverTimeApi.as_view(), name="analytics-listings"),
    path("analytics/inventory-by-dealer", analytics.InventoryByDealerApi.as_view(), name="analytics-dealers"),
    path("analytics/days-on-market", analytics.DaysOnMarketApi.as_view(), name="analytics-days-on-market"),
    path("analytics/recommendations-ctr", analytics.RecommendationCtrApi.as_view(), name="analytics-recommendations"),
    path("analytics/search-queries", analytics.SearchQueriesApi.as_view(), name="analytics-search-queries"),
    # Background jobs and notifications.
    path("tasks/<str:task_id>", tasks.TaskStatusApi.as_view(), name="task-status"),
    path("saved-searches", saved_searches.SavedSearchListApi.as_view(), name="saved-searches"),
    path("saved-searches/<int:search_id>", saved_searches.SavedSearchDetailApi.as_view(), name="saved-search"),
    path(
        "saved-searches/<int:search_id>/pause", saved_searches.SavedSearchPauseApi.as_view(), name="saved-search-pause"
    ),
    path(
        "saved-searches/<int:search_id>/resume",
        saved_searches.SavedSearchResumeApi.as_view(),
        name="saved-search-resume",
    ),
    path("price-watches", saved_searches.PriceWatchListApi.as_view(), name="price-watches"),
    path("price-watches/<int:watch_id>", saved_searches.PriceWatchDetailApi.as_view(), name="price-watch"),
    path("notifications", notifications.NotificationListApi.as_view(), name="notifications"),
    path("notifications/read", notifications.NotificationReadApi.as_view(), name="notifications-read"),
    path("notifications/preferences", notifications.PreferenceApi.as_view(), name="notification-preferences"),
    path("ops/jobs", jobs_status.JobsOverviewApi.as_view(), name="ops-jobs"),
    path("webhooks/whatsapp", whatsapp_webhook.WhatsAppWebhookApi.as_view(), name="whatsapp-webhook"),
]
