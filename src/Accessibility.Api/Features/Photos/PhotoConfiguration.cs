using Accessibility.Api.Features.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Accessibility.Api.Features.Photos;

internal sealed class PhotoConfiguration : IEntityTypeConfiguration<Photo>
{
    public void Configure(EntityTypeBuilder<Photo> b)
    {
        b.ToTable("photos");
        b.Property(p => p.Id).ValueGeneratedNever();
        b.Property(p => p.ContentType).HasMaxLength(20);
        b.Property(p => p.Sha256).HasMaxLength(64).IsFixedLength();
        // bytea; the migration sets STORAGE EXTERNAL: the images are compressed already, TOAST compression would only cost CPU.
        b.Property(p => p.Content).HasColumnType("bytea");
        b.Property(p => p.Thumbnail).HasColumnType("bytea");
        b.HasOne<UserAccount>().WithMany().HasForeignKey(p => p.UploadedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => p.UploadedBy);
    }
}
