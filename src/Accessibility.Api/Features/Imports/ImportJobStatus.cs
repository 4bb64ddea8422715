using System.Text.Json.Nodes;

namespace Accessibility.Api.Features.Imports;

/// <summary>What the page shows of an import job.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Href">Address of this status.</param>
/// <param name="State">queued, running, imported, rejected or failed.</param>
/// <param name="Phase">read, place or write while running.</param>
/// <param name="FileName">The uploaded file.</param>
/// <param name="Format">What it was recognised as.</param>
/// <param name="Rows">Rows read so far (all rows once finished).</param>
/// <param name="BytesRead">Bytes read so far.</param>
/// <param name="BytesTotal">Size of the file.</param>
/// <param name="ElapsedSeconds">Since the job started running.</param>
/// <param name="RowsPerSecond">Rows read per second so far.</param>
/// <param name="SecondsLeft">Estimated seconds left while reading (from the share of the file read), else null.</param>
/// <param name="Outcome">The outcome once finished: counts and the rejection report.</param>
/// <param name="RejectedCsv">Address of the rejection report as CSV, when there is one.</param>
/// <param name="Error">Why the job failed (interrupted, or an error): nothing was written.</param>
public sealed record ImportJobStatus(
    Guid Id, string Href, string State, string? Phase, string FileName, string? Format, long Rows, long BytesRead, long BytesTotal,
    double? ElapsedSeconds, double? RowsPerSecond, double? SecondsLeft, JsonObject? Outcome, string? RejectedCsv, string? Error)
{
    /// <summary>The status of <paramref name="job"/> at <paramref name="now"/>; a job not heard of for a while shows as failed.</summary>
    public static ImportJobStatus From(ImportJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        var href = "/api/v1/imports/facilities/jobs/" + job.Id.ToString("D", System.Globalization.CultureInfo.InvariantCulture);
        var state = job.State;
        var error = job.Error;
        if (state is "queued" or "running" && now - job.UpdatedAt > ImportJobRunner.Abandoned)
        {
            // The instance that held it stopped: its transaction was rolled back with it.
            state = "failed";
            error = "The import was interrupted (the service instance running it stopped); nothing was written.";
        }

        var end = job.FinishedAt ?? now;
        double? elapsed = job.StartedAt is { } started ? Math.Max((end - started).TotalSeconds, 0) : null;
        double? rate = elapsed is > 0.5 ? Math.Round(job.Rows / elapsed.Value, 1) : null;
        double? left = null;
        if (state == "running" && job.Phase == "read" && elapsed is > 0.5 && job.BytesTotal > 0)
        {
            var share = (double)job.BytesRead / job.BytesTotal;
            left = share > 0.01 ? Math.Round(Math.Max((elapsed.Value / share) - elapsed.Value, 0), 1) : null;
        }

        var rejectedCsv = job.Outcome?["rejected"] is JsonArray { Count: > 0 } ? href + "/rejected.csv" : null;
        return new ImportJobStatus(job.Id, href, state, state == "running" ? job.Phase : null, job.FileName, job.Format, job.Rows, job.BytesRead,
            job.BytesTotal, elapsed is null ? null : Math.Round(elapsed.Value, 1), rate, left, job.Outcome?.DeepClone().AsObject(), rejectedCsv, error);
    }
}
