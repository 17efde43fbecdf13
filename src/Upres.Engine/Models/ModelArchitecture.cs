namespace Upres.Engine.Models;

public enum ModelArchitecture
{
    /// Real-ESRGAN's SRVGGNetCompact: a plain conv/PReLU stack, pixel shuffle, nearest-upscaled residual.
    SrVggNetCompact,

    /// ESRGAN's RRDBNet (23 or 6 residual-in-residual dense blocks).
    RrdbNet,

    /// Real-CUGAN's UpCunet with squeeze-excitation blocks.
    UpCunet,
}
