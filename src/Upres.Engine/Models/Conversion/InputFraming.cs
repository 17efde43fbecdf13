namespace Upres.Engine.Models.Conversion;

/// What the reference binary does around the network, baked into the converted graph so the ONNX
/// model takes a plain [N,3,H,W] image in 0..1 and returns [N,3,sH,sW] aligned pixel for pixel.
/// PrePadding: mirror padding added on every side (the binaries' `prepadding`).
/// SizeMultiple: extra mirror padding on the bottom/right so the padded size is a multiple of it
/// (Real-CUGAN's strided U-Net needs this).
/// ModelConsumesPadding: the network's valid convolutions eat the padding (Real-CUGAN), so the output
/// starts at the image's first pixel; otherwise the output is cropped by PrePadding*scale.
/// AddsNearestUpscaledInput: Real-CUGAN's 4x binary adds the nearest-upscaled input after the network.
public sealed record InputFraming(int PrePadding, int SizeMultiple, bool ModelConsumesPadding, bool AddsNearestUpscaledInput)
{
    public static InputFraming None { get; } = new(0, 1, false, false);

    /// realesrgan-ncnn-vulkan pads every tile by 10 pixels (reflect) and crops them off after.
    public static InputFraming RealEsrgan { get; } = new(10, 1, false, false);

    /// realcugan-ncnn-vulkan's prepadding per scale and its alignment of the padded tile.
    public static InputFraming RealCugan(int scale) => scale switch
    {
        2 => new InputFraming(18, 2, true, false),
        3 => new InputFraming(14, 4, true, false),
        4 => new InputFraming(19, 2, true, true),
        _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Real-CUGAN has 2x, 3x and 4x models"),
    };
}
