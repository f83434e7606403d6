import type { CommandGroup } from '../../../command'
import { addImage } from './add'
import { listImages } from './list'
import { removeImage } from './remove'

export const productImagesCommands: CommandGroup = { name: 'images', summary: "Your products' images", commands: [addImage, listImages, removeImage] }
