using System.Globalization;

namespace Upres.Service.Work;

/// Where an attempt is in its unit's work, on a scale every attempt of the unit shares, so that a
/// dead attempt can be judged by where it died. A crash is the unit's fault only when it repeats at
/// the same place:
///
/// - Place 0 (Outside): the attempt is not running the unit's own work in this process: claiming,
///   fetching and probing (ffprobe is a child process), loading the model (the same model serves
///   every job), the encoder's end, frame times and mux (ffmpeg children), staging and committing.
///   A worker that dies there (a kill storm, a restart) is not the job's fault: no strike. Such
///   deaths count only toward a hard cap of HardCapFactor x max attempts, so nothing loops forever.
/// - Place 1 + frame / FramesPerPlace: the engine is upscaling the unit's frames in this process
///   (the engine awaits the write before it starts the first frame of each place: IFrameCheckpoints).
///   At most MaxPlaces places per unit; after the last frame the attempt is Outside again and the
///   unit's checkpoint is one past the last place.
///
/// checkpoint is the furthest place any attempt reached; attempt_checkpoint is what it was when the
/// current attempt was claimed. A dead attempt is a strike only when it died inside the unit's work
/// at exactly that furthest place: it got as far as any attempt ever did and no further. Dying at an
/// earlier place says nothing against the unit (an attempt got past it before), and getting
/// further moves the mark; either clears the strikes, which count consecutive deaths at the mark.
/// The first death inside the work only sets the mark, so a unit that kills its worker at the same
/// frame every time fails after 1 + max_attempts deaths.
public static class WorkPlaces
{
    public const long Outside = 0;

    public const long MaxPlaces = 200;

    /// Deaths of any kind (with or without a strike) that give a unit up: HardCapFactor x max attempts.
    public const int HardCapFactor = 10;

    /// SQL over a unit row whose lease expired: the attempt that held it died at the furthest place.
    public const string DeadAttemptStrikes = "(place > 0 AND place = attempt_checkpoint)";

    /// SQL for the strikes of a unit being claimed: a dead holder at the furthest place adds one; a
    /// dead holder anywhere else clears them (the crash did not repeat: strikes count consecutive
    /// deaths at the same place); a queued unit keeps its count.
    public const string StrikesAfterTakeover =
        $"CASE WHEN status <> 'processing' THEN strikes WHEN {DeadAttemptStrikes} THEN strikes + 1 ELSE 0 END";

    /// SQL over a job row whose lease expired: the attempt that held it was its last.
    public static readonly string DeadAttemptExhausts = string.Create(CultureInfo.InvariantCulture,
        $"(strikes + CASE WHEN {DeadAttemptStrikes} THEN 1 ELSE 0 END >= max_attempts OR attempts >= max_attempts * {HardCapFactor})");

    public static long FramesPerPlace(long frames) => Math.Max(1, (frames + MaxPlaces - 1) / MaxPlaces);

    public static long Of(long frame, long framesPerPlace) => 1 + (frame / framesPerPlace);
}
