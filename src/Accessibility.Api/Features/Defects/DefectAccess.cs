using Accessibility.Api.Infrastructure.Authorization;

namespace Accessibility.Api.Features.Defects;

/// <summary>What access to a defect is decided on: its district (and, for the repairing unit's accounts, its managing unit).</summary>
public static class DefectAccess
{
    /// <summary>The defect as the rule table sees it.</summary>
    public static RegistryResource Resource(Defect defect)
    {
        ArgumentNullException.ThrowIfNull(defect);
        return RegistryResource.In(ResourceKinds.Defect, defect.DistrictCode) with { ManagingUnit = defect.ManagingUnit };
    }

    /// <summary>The defect, as read for a page, as the rule table sees it.</summary>
    public static RegistryResource Resource(DefectView defect)
    {
        ArgumentNullException.ThrowIfNull(defect);
        return RegistryResource.In(ResourceKinds.Defect, defect.DistrictCode) with { ManagingUnit = defect.ManagingUnit };
    }
}
