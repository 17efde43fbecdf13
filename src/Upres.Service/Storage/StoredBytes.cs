namespace Upres.Service.Storage;

/// The bytes a row's files were counted for, as read back when the files go.
internal sealed class StoredBytes
{
    public string AccountId { get; set; } = "";

    public long Bytes { get; set; }
}
